// Amounts and percentages as people type them (DecimalInput), in every
// language the programs speak: English (US), Spanish, German. Input: the
// text. Properties: what was read is written back (with and without
// trailing zeros) and reads as the same value; the C spelling of any value
// reads the same in every locale; a refusal explains itself.

#include "tests/fuzz/fuzzinput.h"

#include "db/text/decimalinput.h"

namespace {

const QList<QLocale> &locales()
{
    static const QList<QLocale> all
        = {QLocale(QLocale::English, QLocale::UnitedStates), QLocale(QLocale::Spanish, QLocale::Spain),
           QLocale(QLocale::German, QLocale::Germany)};
    return all;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const QLocale &locale : locales()) {
        for (const int decimals : {2, 4}) {
            const DecimalInput::Result read = DecimalInput::parse(text, locale, decimals);
            const QString where
                = locale.name() + QStringLiteral(" decimals=%1: \"%2\"").arg(decimals).arg(text);
            if (!read.ok()) {
                FUZZ_CHECK(read.units == 0, where);
                FUZZ_CHECK(!DecimalInput::problemText(read.problem, text, locale, decimals, 825).isEmpty(),
                           where);
                continue;
            }
            FUZZ_CHECK(read.units >= 0, where);
            for (const bool trimZeros : {false, true}) {
                const QString written = DecimalInput::text(read.units, locale, decimals, trimZeros);
                const DecimalInput::Result again = DecimalInput::parse(written, locale, decimals);
                FUZZ_CHECK(again.ok() && again.units == read.units,
                           where
                               + QStringLiteral(" = %1, written \"%2\", read back %3")
                                     .arg(read.units)
                                     .arg(written)
                                     .arg(again.units));
            }
            if (decimals == 2) {
                const QString plain = DecimalInput::text(read.units, QLocale::c(), decimals, true);
                for (const QLocale &other : locales()) {
                    const DecimalInput::Result elsewhere = DecimalInput::parse(plain, other, decimals);
                    FUZZ_CHECK(elsewhere.ok() && elsewhere.units == read.units,
                               where + QStringLiteral(", \"%1\" in %2").arg(plain, other.name()));
                }
            }
        }
    }
    return 0;
}
