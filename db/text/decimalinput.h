#pragma once

#include <QCoreApplication>
#include <QLocale>
#include <QString>

// Decimal numbers as people type them — "8,25" in Germany, "8.25" anywhere,
// "1.234,50", "1,234.50" — read exactly into integer units of 10^-decimals
// (cents, basis points), never through floating point. The locale's
// separators are read first, then the C locale's, so "8.25" works
// everywhere; a text both could read differently ("1.234" in German) is
// refused as ambiguous rather than guessed. Pure functions, any thread.
class DecimalInput
{
    Q_DECLARE_TR_FUNCTIONS(DecimalInput)
public:
    enum class Problem { None, Empty, NotANumber, Negative, TooPrecise, Ambiguous, TooLarge };

    struct Result
    {
        qint64 units = 0;
        Problem problem = Problem::None;
        bool ok() const { return problem == Problem::None; }
    };

    static constexpr int MaxWholeDigits = 13;

    static Result parse(const QString &text, const QLocale &locale, int decimals = 2);

    // The units as typed back in locale, without grouping: 825 -> "8,25" in
    // German. With trimZeros, 800 -> "8" and 850 -> "8,5".
    static QString text(qint64 units, const QLocale &locale, int decimals = 2, bool trimZeros = false);

    // Why text was refused, as a sentence that shows exampleUnits the way
    // this locale types them ("Type it with at most 2 decimals, such as 8,25.").
    static QString problemText(Problem problem, const QString &text, const QLocale &locale, int decimals,
                               qint64 exampleUnits);
};
