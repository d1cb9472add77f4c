// Amounts and percentages as people type them in their locale, read exactly.
#include "db/calendar/sitesettings.h"
#include "db/text/decimalinput.h"

#include <QTest>

class TestDecimalInput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void typedNumbersAreReadInTheLocaleThenInC_data();
    void typedNumbersAreReadInTheLocaleThenInC();
    void sumsAreExactWithoutFloatingPoint();
    void numbersAreWrittenBackInTheLocale_data();
    void numbersAreWrittenBackInTheLocale();
    void refusalsExplainWithAnExampleInTheLocale_data();
    void refusalsExplainWithAnExampleInTheLocale();
    void taxRateSettingTakesTheLocaleButStoresC_data();
    void taxRateSettingTakesTheLocaleButStoresC();
};

using Problem = DecimalInput::Problem;
Q_DECLARE_METATYPE(DecimalInput::Problem)

void TestDecimalInput::typedNumbersAreReadInTheLocaleThenInC_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("units"); // hundredths: cents or basis points
    QTest::addColumn<Problem>("problem");
    struct Row
    {
        const char *text;
        qint64 de, es, en, c;
        Problem pde, pes, pen, pc;
    };
    constexpr Problem ok = Problem::None;
    const Row rows[] = {
        {"8,25", 825, 825, 825, 825, ok, ok, ok, ok},
        {"8.25", 825, 825, 825, 825, ok, ok, ok, ok},
        {"1.234,50", 123450, 123450, 123450, 123450, ok, ok, ok, ok},
        {"1,234.50", 123450, 123450, 123450, 123450, ok, ok, ok, ok},
        {"12", 1200, 1200, 1200, 1200, ok, ok, ok, ok},
        {"-1", 0, 0, 0, 0, Problem::Negative, Problem::Negative, Problem::Negative, Problem::Negative},
        {"abc", 0, 0, 0, 0, Problem::NotANumber, Problem::NotANumber, Problem::NotANumber,
         Problem::NotANumber},
        {"", 0, 0, 0, 0, Problem::Empty, Problem::Empty, Problem::Empty, Problem::Empty},
        {"0,005", 0, 0, 0, 0, Problem::TooPrecise, Problem::TooPrecise, Problem::TooPrecise,
         Problem::TooPrecise},
        // Grouping in German and Spanish, a decimal point in C: refused, not guessed.
        {"1.234", 0, 0, 0, 0, Problem::Ambiguous, Problem::Ambiguous, Problem::TooPrecise,
         Problem::TooPrecise},
        // A decimal comma in German and Spanish; grouping in English and C.
        {"1,234", 0, 0, 123400, 123400, Problem::TooPrecise, Problem::TooPrecise, ok, ok},
        {"1.234.567,8", 123456780, 123456780, 123456780, 123456780, ok, ok, ok, ok},
        {"0,1", 10, 10, 10, 10, ok, ok, ok, ok},
        {".5", 50, 50, 50, 50, ok, ok, ok, ok},
        // A decimal comma with a trailing zero in German; grouping in English.
        {"8,250", 825, 825, 825000, 825000, ok, ok, ok, ok},
        {" 7,5 ", 750, 750, 750, 750, ok, ok, ok, ok},
        {"1,2,3", 0, 0, 0, 0, Problem::NotANumber, Problem::NotANumber, Problem::NotANumber,
         Problem::NotANumber},
        {"12,34,5", 0, 0, 0, 0, Problem::NotANumber, Problem::NotANumber, Problem::NotANumber,
         Problem::NotANumber},
        {"1.2.3,4", 0, 0, 0, 0, Problem::NotANumber, Problem::NotANumber, Problem::NotANumber,
         Problem::NotANumber},
        {"1,5,", 0, 0, 0, 0, Problem::NotANumber, Problem::NotANumber, Problem::NotANumber,
         Problem::NotANumber},
        {"1 234", 0, 0, 0, 0, Problem::NotANumber, Problem::NotANumber, Problem::NotANumber,
         Problem::NotANumber},
        {"12345678901234", 0, 0, 0, 0, Problem::TooLarge, Problem::TooLarge, Problem::TooLarge,
         Problem::TooLarge},
        {"8,25 %", 0, 0, 0, 0, Problem::NotANumber, Problem::NotANumber, Problem::NotANumber,
         Problem::NotANumber},
    };
    for (const Row &r : rows) {
        const QString text = QString::fromUtf8(r.text);
        QTest::addRow("de_DE \"%s\"", r.text) << "de_DE" << text << r.de << r.pde;
        QTest::addRow("es_ES \"%s\"", r.text) << "es_ES" << text << r.es << r.pes;
        QTest::addRow("en_US \"%s\"", r.text) << "en_US" << text << r.en << r.pen;
        QTest::addRow("C \"%s\"", r.text) << "C" << text << r.c << r.pc;
    }
    // Where a space groups, it groups.
    QTest::newRow("fr_FR \"1 234,50\"")
        << "fr_FR" << QStringLiteral("1\u202f234,50") << qint64(123450) << Problem::None;
}

void TestDecimalInput::typedNumbersAreReadInTheLocaleThenInC()
{
    QFETCH(QString, locale);
    QFETCH(QString, text);
    QFETCH(qint64, units);
    QFETCH(Problem, problem);
    const DecimalInput::Result result = DecimalInput::parse(text, QLocale(locale));
    QCOMPARE(result.problem, problem);
    QCOMPARE(result.units, units);
}

void TestDecimalInput::sumsAreExactWithoutFloatingPoint()
{
    const QLocale german(QStringLiteral("de_DE"));
    const qint64 sum = DecimalInput::parse(QStringLiteral("0,1"), german).units
        + DecimalInput::parse(QStringLiteral("0,2"), german).units;
    QCOMPARE(sum, 30);
    QCOMPARE(DecimalInput::text(sum, german), QStringLiteral("0,30"));
    // 1.15 * 100 is 114.99999999999999 in binary floating point.
    QCOMPARE(DecimalInput::parse(QStringLiteral("1.15"), QLocale::c()).units, 115);
    QCOMPARE(DecimalInput::parse(QStringLiteral("99999,99"), german).units, 9999999);
    // Basis points are hundredths of a percent, read the same way.
    QCOMPARE(DecimalInput::parse(QStringLiteral("8,25"), german).units, 825);
}

void TestDecimalInput::numbersAreWrittenBackInTheLocale_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<qint64>("units");
    QTest::addColumn<bool>("trimZeros");
    QTest::addColumn<QString>("text");
    QTest::newRow("German cents") << "de_DE" << qint64(123450) << false << QStringLiteral("1234,50");
    QTest::newRow("English cents") << "en_US" << qint64(123450) << false << QStringLiteral("1234.50");
    QTest::newRow("Spanish rate") << "es_ES" << qint64(825) << true << QStringLiteral("8,25");
    QTest::newRow("C rate, whole") << "C" << qint64(800) << true << QStringLiteral("8");
    QTest::newRow("C rate, one decimal") << "C" << qint64(850) << true << QStringLiteral("8.5");
    QTest::newRow("zero") << "de_DE" << qint64(0) << false << QStringLiteral("0,00");
}

void TestDecimalInput::numbersAreWrittenBackInTheLocale()
{
    QFETCH(QString, locale);
    QFETCH(qint64, units);
    QFETCH(bool, trimZeros);
    QFETCH(QString, text);
    QCOMPARE(DecimalInput::text(units, QLocale(locale), 2, trimZeros), text);
    // And what is written reads back.
    QCOMPARE(DecimalInput::parse(text, QLocale(locale)).units, units);
}

void TestDecimalInput::refusalsExplainWithAnExampleInTheLocale_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("too precise, German")
        << "de_DE" << QStringLiteral("0,005")
        << QStringLiteral("\"0,005\" has too many decimals; type it like 8,25.");
    QTest::newRow("too precise, English")
        << "en_US" << QStringLiteral("0.005")
        << QStringLiteral("\"0.005\" has too many decimals; type it like 8.25.");
    QTest::newRow("not a number") << "es_ES" << QStringLiteral("abc")
                                  << QStringLiteral("\"abc\" is not a number; type it like 8,25.");
    QTest::newRow("empty") << "de_DE" << QString() << QStringLiteral("Type a number, such as 8,25.");
    QTest::newRow("negative") << "C" << QStringLiteral("-1")
                              << QStringLiteral("\"-1\" is negative; type 0 or more.");
    QTest::newRow("ambiguous") << "de_DE" << QStringLiteral("1.234")
                               << QStringLiteral(
                                      "\"1.234\" could mean 1234 or 1,234; type 1234 without the "
                                      "thousands separator, or 1,234 with the decimal separator \",\".");
}

void TestDecimalInput::refusalsExplainWithAnExampleInTheLocale()
{
    QFETCH(QString, locale);
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const QLocale l(locale);
    const DecimalInput::Result result = DecimalInput::parse(text, l);
    QVERIFY(!result.ok());
    QCOMPARE(DecimalInput::problemText(result.problem, text, l, 2, 825), expected);
}

void TestDecimalInput::taxRateSettingTakesTheLocaleButStoresC_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("stored"); // empty: refused
    QTest::addColumn<QString>("because");
    QTest::newRow("German comma") << "de_DE" << QStringLiteral("8,25") << QStringLiteral("8.25") << QString();
    QTest::newRow("point at a German desk")
        << "de_DE" << QStringLiteral("8.25") << QStringLiteral("8.25") << QString();
    QTest::newRow("CLI point") << "C" << QStringLiteral("8.25") << QStringLiteral("8.25") << QString();
    QTest::newRow("CLI comma, unambiguous")
        << "C" << QStringLiteral("7,5") << QStringLiteral("7.5") << QString();
    QTest::newRow("whole") << "es_ES" << QStringLiteral("12") << QStringLiteral("12") << QString();
    QTest::newRow("too precise") << "de_DE" << QStringLiteral("0,005") << QString()
                                 << QStringLiteral("too many decimals; type it like 8,25");
    QTest::newRow("over 100") << "de_DE" << QStringLiteral("100,5") << QString()
                              << QStringLiteral("0 to 100");
    QTest::newRow("negative") << "en_US" << QStringLiteral("-1") << QString() << QStringLiteral("negative");
    QTest::newRow("ambiguous") << "de_DE" << QStringLiteral("1.000") << QString()
                               << QStringLiteral("could mean");
    QTest::newRow("accepted text in the CLI")
        << "C" << QStringLiteral("x") << QString() << QStringLiteral("such as 8.25");
    QTest::newRow("accepted text in German")
        << "de_DE" << QStringLiteral("x") << QString() << QStringLiteral("such as 8,25");
}

void TestDecimalInput::taxRateSettingTakesTheLocaleButStoresC()
{
    QFETCH(QString, locale);
    QFETCH(QString, text);
    QFETCH(QString, stored);
    QFETCH(QString, because);
    const QString key = QStringLiteral("billing.tax_rate_percent");
    QString normalised;
    const QString problem = SiteSettings::validate(key, text, &normalised, QLocale(locale));
    if (stored.isEmpty()) {
        QVERIFY2(problem.contains(because), qPrintable(problem));
        QVERIFY2(problem.startsWith(key), qPrintable(problem));
    } else {
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(normalised, stored);
        // What is stored reads back as the same rate wherever it is read.
        QCOMPARE(SiteSettings::fromValues({{key, normalised}}).taxRateBasisPoints,
                 DecimalInput::parse(text, QLocale(locale)).units);
    }
}

QTEST_GUILESS_MAIN(TestDecimalInput)
#include "tst_decimalinput.moc"
