#include "server/api/apilanguage.h"

#include <QLocale>

#include <algorithm>

namespace {

// The index in ApiLanguage::supported() current on this thread; -1: none.
thread_local int t_language = -1;

} // namespace

const QStringList &ApiLanguage::supported()
{
    static const QStringList languages = {QStringLiteral("en"), QStringLiteral("es"), QStringLiteral("de")};
    return languages;
}

QString ApiLanguage::choose(const QByteArray &acceptLanguage)
{
    // RFC 9110 §12.5.4: ranges with optional q-values; q=0 means "not this".
    QString best = supported().first();
    double bestQuality = 0;
    for (const QByteArray &part : acceptLanguage.split(',')) {
        const QList<QByteArray> pieces = part.split(';');
        const QString range = QString::fromLatin1(pieces.value(0).trimmed()).toLower();
        double quality = 1;
        for (qsizetype i = 1; i < pieces.size(); ++i) {
            const QByteArray parameter = pieces[i].trimmed();
            if (parameter.startsWith("q=")) {
                bool ok = false;
                quality = parameter.mid(2).toDouble(&ok);
                if (!ok || quality < 0 || quality > 1)
                    quality = 0;
            }
        }
        const QString primary = range.section(u'-', 0, 0);
        if (quality > bestQuality && supported().contains(primary)) {
            best = primary;
            bestQuality = quality;
        }
    }
    return best;
}

struct RequestTranslator::Language
{
    QTranslator translator;
    bool loaded = false;
};

RequestTranslator::RequestTranslator()
    : m_languages(new Language[ApiLanguage::supported().size()])
{
    for (qsizetype i = 0; i < ApiLanguage::supported().size(); ++i) {
        const QString name = ApiLanguage::supported().at(i);
        m_languages[i].loaded = m_languages[i].translator.load(QStringLiteral(":/i18n/carwash_%1.qm").arg(name));
    }
}

RequestTranslator::~RequestTranslator() = default;

QString RequestTranslator::translate(const char *context, const char *sourceText, const char *disambiguation,
                                     int n) const
{
    const int current = t_language;
    if (current < 0)
        return {};
    const Language &language = m_languages[current];
    QString text;
    if (language.loaded)
        text = language.translator.translate(context, sourceText, disambiguation, n);
    if (text.isEmpty()) {
        // Untranslated: the source text itself (English), never the
        // process's language from a translator further down. %n as tr()
        // would fill it.
        text = QString::fromUtf8(sourceText);
    }
    return text;
}

LanguageScope::LanguageScope(const QString &language)
    : m_previous(t_language)
{
    t_language = std::max<int>(0, int(ApiLanguage::supported().indexOf(language)));
}

LanguageScope::~LanguageScope()
{
    t_language = m_previous;
}
