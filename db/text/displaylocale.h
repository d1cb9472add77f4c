#pragma once

#include <QLocale>

// The locale dates, times and amounts are shown in: the user's, except that
// the C locale (no LANG, as under CI, cron or a bare X server) reads as US
// English rather than as ISO strings with seconds.
class DisplayLocale
{
public:
    static QLocale get()
    {
        const QLocale locale;
        return locale.language() == QLocale::C ? QLocale(QLocale::English, QLocale::UnitedStates) : locale;
    }
};
