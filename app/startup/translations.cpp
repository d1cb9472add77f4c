#include "app/startup/translations.h"

#include <QLibraryInfo>
#include <QLoggingCategory>
#include <QSettings>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcTranslations, "carwash.app.translations", QtWarningMsg)

namespace {

const QString ourTranslatorName = QStringLiteral("carwash-translator");

// A name QLocale does not know gives the C locale; "C" and "POSIX" are the
// only names that mean it.
bool namesALanguage(const QString &name, const QLocale &locale)
{
    return locale.language() != QLocale::C || name == u"C" || name == u"POSIX";
}

QTranslator *loadTranslator(QCoreApplication &app, const QLocale &locale, const QString &fileName,
                            const QString &directory)
{
    auto *translator = new QTranslator(&app);
    translator->setObjectName(ourTranslatorName);
    if (!translator->load(locale, fileName, QStringLiteral("_"), directory)) {
        delete translator;
        return nullptr;
    }
    QCoreApplication::installTranslator(translator);
    return translator;
}

} // namespace

QLocale Translations::choose(const QString &language)
{
    const struct
    {
        QString name;
        const char *origin;
    } candidates[] = {
        {language.trimmed(), "the program"},
        {qEnvironmentVariable("CARWASH_LANG").trimmed(), "CARWASH_LANG"},
        {QSettings().value(settingsKey()).toString().trimmed(), "the setting ui/language"},
    };
    for (const auto &candidate : candidates) {
        if (candidate.name.isEmpty())
            continue;
        const QLocale locale(candidate.name);
        if (namesALanguage(candidate.name, locale))
            return locale;
        // A typing mistake in a setting must not make the program unusable.
        qCWarning(lcTranslations, "%s asks for the language \"%s\", which is not one; ignored.",
                  candidate.origin, qPrintable(candidate.name));
    }
    return QLocale::system();
}

QLocale Translations::install(QCoreApplication &app, const QString &language)
{
    const auto previous = app.findChildren<QTranslator *>(ourTranslatorName, Qt::FindDirectChildrenOnly);
    for (QTranslator *translator : previous) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }

    const QLocale chosen = choose(language);
    // No LANG at all (cron, CI, a bare container) reads as English.
    const QLocale requested
        = chosen.language() == QLocale::C ? QLocale(QLocale::English, QLocale::UnitedStates) : chosen;

    QLocale inUse(QLocale::English, QLocale::UnitedStates);
    // Tries each of the locale's UI languages in turn ("es_MX", then "es"); the
    // English file holds only plural forms, the other texts are the source.
    if (const QTranslator *ours
        = loadTranslator(app, requested, QStringLiteral("carwash"), QStringLiteral(":/i18n")))
        inUse = QLocale(ours->language());
    else
        qCInfo(lcTranslations, "No translation for %s; using English.", qPrintable(requested.name()));
    if (inUse.language() == requested.language())
        inUse = requested; // keeps the country: es_MX stays Mexican

    // Qt's own texts in the same language as ours, never a mix of two.
    if (!loadTranslator(app, inUse, QStringLiteral("qtbase"),
                        QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        qCInfo(lcTranslations,
               "Qt's own translation for %s is not installed (package qt6-translations-l10n).",
               qPrintable(inUse.name()));
    return inUse;
}
