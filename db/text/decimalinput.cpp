#include "db/text/decimalinput.h"

namespace {

bool isSpace(QChar c)
{
    return c == u' ' || c == QChar(0x00A0) || c == QChar(0x202F);
}

// "1", "12", "123" then groups of exactly three: "1.234.567".
bool wellGrouped(const QString &digits, QChar group)
{
    const QStringList chunks = digits.split(group);
    if (chunks.size() < 2 || chunks.first().isEmpty() || chunks.first().size() > 3
        || chunks.first().startsWith(u'0'))
        return false;
    for (qsizetype i = 1; i < chunks.size(); ++i) {
        if (chunks[i].size() != 3)
            return false;
    }
    return true;
}

bool allDigits(const QString &s)
{
    for (const QChar c : s) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return true;
}

// One separator, once: which it is depends on the digits after it and on
// what the locale and C make of it.
enum class Reading { Decimal, Group, Ambiguous };

Reading readSingle(QChar separator, const QString &before, const QString &after, const QLocale &locale)
{
    // Only "1.234" (one to three digits, a separator, three digits) could be
    // grouping; "8,25", "0,005" and "12.5" cannot.
    if (after.size() != 3 || before.isEmpty() || before.size() > 3 || before.startsWith(u'0'))
        return Reading::Decimal;
    const QString decimal = locale.decimalPoint();
    if (decimal == QString(separator))
        return Reading::Decimal;
    // The locale groups with it, and C reads it as the decimal point.
    if (separator == u'.' && locale.groupSeparator() == QStringLiteral("."))
        return Reading::Ambiguous;
    // ',' where the locale's point is '.': grouping, as both read it.
    return Reading::Group;
}

} // namespace

DecimalInput::Result DecimalInput::parse(const QString &input, const QLocale &locale, int decimals)
{
    QString t = input.trimmed();
    if (t.isEmpty())
        return {0, Problem::Empty};
    bool negative = false;
    if (t.startsWith(u'-') || t.startsWith(QChar(0x2212)) || t.startsWith(locale.negativeSign())) {
        negative = true;
        t = t.mid(t.startsWith(locale.negativeSign()) ? locale.negativeSign().size() : 1).trimmed();
    }
    // A space groups only where the locale groups with one ("1 234,50" in French).
    if (t.contains(u' ') || t.contains(QChar(0x00A0)) || t.contains(QChar(0x202F))) {
        const QString group = locale.groupSeparator();
        if (group.size() != 1 || !isSpace(group.at(0)))
            return {0, Problem::NotANumber};
        QString dotted;
        for (const QChar c : std::as_const(t))
            dotted += isSpace(c) ? QChar(u'\x1f') : c;
        t = dotted;
    }
    QString whole;
    QString fraction;
    const qsizetype dots = t.count(u'.');
    const qsizetype commas = t.count(u',');
    const qsizetype spaces = t.count(u'\x1f');
    if (dots + commas == 0) {
        whole = t;
    } else if (dots > 0 && commas > 0) {
        // Both: the last is the decimal point and appears once.
        const QChar point = t.lastIndexOf(u'.') > t.lastIndexOf(u',') ? u'.' : u',';
        const QChar group = point == u'.' ? u',' : u'.';
        if (t.count(point) != 1 || spaces > 0)
            return {0, Problem::NotANumber};
        const qsizetype at = t.indexOf(point);
        whole = t.left(at);
        fraction = t.mid(at + 1);
        if (!wellGrouped(whole, group))
            return {0, Problem::NotANumber};
        whole.remove(group);
    } else {
        const QChar separator = dots > 0 ? u'.' : u',';
        const qsizetype count = dots > 0 ? dots : commas;
        if (count > 1) {
            if (spaces > 0 || !wellGrouped(t, separator))
                return {0, Problem::NotANumber};
            whole = t;
            whole.remove(separator);
        } else {
            const qsizetype at = t.indexOf(separator);
            const QString before = t.left(at);
            const QString after = t.mid(at + 1);
            switch (spaces > 0 ? Reading::Decimal : readSingle(separator, before, after, locale)) {
            case Reading::Ambiguous:
                return {0, Problem::Ambiguous};
            case Reading::Group:
                whole = before + after;
                break;
            case Reading::Decimal:
                whole = before;
                fraction = after;
                break;
            }
        }
    }
    if (spaces > 0) {
        if (!wellGrouped(whole, u'\x1f'))
            return {0, Problem::NotANumber};
        whole.remove(u'\x1f');
    }
    if ((whole.isEmpty() && fraction.isEmpty()) || !allDigits(whole) || !allDigits(fraction))
        return {0, Problem::NotANumber};
    if (negative)
        return {0, Problem::Negative};
    while (fraction.size() > decimals && fraction.endsWith(u'0'))
        fraction.chop(1);
    if (fraction.size() > decimals)
        return {0, Problem::TooPrecise};
    while (whole.size() > 1 && whole.startsWith(u'0'))
        whole.remove(0, 1);
    if (whole.size() > MaxWholeDigits)
        return {0, Problem::TooLarge};
    qint64 units = whole.isEmpty() ? 0 : whole.toLongLong();
    for (int i = 0; i < decimals; ++i)
        units *= 10;
    if (!fraction.isEmpty())
        units += fraction.leftJustified(decimals, u'0').toLongLong();
    return {units, Problem::None};
}

QString DecimalInput::text(qint64 units, const QLocale &locale, int decimals, bool trimZeros)
{
    qint64 scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    const qint64 magnitude = units < 0 ? -units : units;
    QString result = QString::number(magnitude / scale);
    QString fraction = QString::number(magnitude % scale).rightJustified(decimals, u'0');
    if (trimZeros) {
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
    }
    if (!fraction.isEmpty())
        result += locale.decimalPoint() + fraction;
    return units < 0 ? locale.negativeSign() + result : result;
}

QString DecimalInput::problemText(Problem problem, const QString &input, const QLocale &locale, int decimals,
                                  qint64 exampleUnits)
{
    const QString example = text(exampleUnits, locale, decimals);
    const QString typed = input.trimmed();
    switch (problem) {
    case Problem::None:
        return {};
    case Problem::Empty:
        return tr("Type a number, such as %1.").arg(example);
    case Problem::NotANumber:
        return tr("\"%1\" is not a number; type it like %2.").arg(typed, example);
    case Problem::Negative:
        return tr("\"%1\" is negative; type 0 or more.").arg(typed);
    case Problem::TooPrecise:
        return tr("\"%1\" has too many decimals; type it like %2.").arg(typed, example);
    case Problem::Ambiguous: {
        // The two readings, each as this locale writes it unambiguously.
        QString asWhole = typed;
        asWhole.remove(u'.');
        QString asDecimal = typed;
        asDecimal.replace(u'.', locale.decimalPoint());
        return tr("\"%1\" could mean %2 or %3; type %2 without the thousands separator, or %3 with the "
                  "decimal separator \"%4\".")
            .arg(typed, asWhole, asDecimal, locale.decimalPoint());
    }
    case Problem::TooLarge:
        return tr("\"%1\" is too large.").arg(typed);
    }
    return {};
}
