#pragma once

#include <QCoreApplication>
#include <QLocale>
#include <QString>

// The language a program speaks: our texts from the .qm files embedded under
// :/i18n, and Qt's own texts from the system's Qt translations when they are
// installed. Main thread only, before the first text is made; the translators
// are children of the application object.
class Translations
{
public:
    // Where the language comes from, first found wins: `language`, the
    // environment variable CARWASH_LANG, the saved setting ui/language, the
    // system locale. Names as QLocale reads them: "de", "es_MX", "en".
    static QLocale choose(const QString &language = {});

    // Installs the translators for choose(language), replacing those of an
    // earlier call, and returns the language now in use: a language we have
    // no translation for gets English, the source language. Numbers, dates
    // and money keep the system's formats: a Spanish-speaking customer at a
    // German kiosk still pays in the site's currency, written the site's way.
    static QLocale install(QCoreApplication &app, const QString &language = {});

    static QString settingsKey() { return QStringLiteral("ui/language"); }
};
