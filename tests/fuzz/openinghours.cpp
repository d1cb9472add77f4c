// The weekly opening hours as the manager types them on the command line
// and the site set-up screen (OpeningHours): a weekday's name and a
// "HH:MM-HH:MM[,…]" spec or "closed". Input: the weekday on the first line,
// the spec after it. Properties: what was read is sorted, within the day and
// without overlaps, and formats to a spec that reads as the same periods; a
// clock reads back from its text; a weekday's name names it.

#include "tests/fuzz/fuzzinput.h"

#include "db/calendar/openinghours.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> parts = Fuzz::parts(data, size, 2);
    const QString name = QString::fromUtf8(parts[0]);
    const QString spec = QString::fromUtf8(parts[1]);

    const int weekday = OpeningHours::weekdayFromName(name);
    FUZZ_CHECK(weekday >= 0 && weekday <= 7, name);
    if (weekday > 0)
        FUZZ_CHECK(OpeningHours::weekdayFromName(OpeningHours::weekdayName(weekday)) == weekday, name);

    for (const bool midnight : {false, true}) {
        if (const std::optional<int> minute = OpeningHours::parseClock(spec, midnight)) {
            FUZZ_CHECK(*minute >= 0 && *minute <= (midnight ? 1440 : 1439), spec);
            FUZZ_CHECK(OpeningHours::parseClock(OpeningHours::clockText(*minute), midnight) == minute, spec);
        }
    }

    QString error;
    const std::optional<QList<OpeningPeriod>> periods = OpeningHours::parse(weekday, spec, &error);
    if (!periods) {
        FUZZ_CHECK(!error.isEmpty(), spec);
        return 0;
    }
    for (qsizetype i = 0; i < periods->size(); ++i) {
        const OpeningPeriod &p = periods->at(i);
        FUZZ_CHECK(p.weekday == weekday && p.opensMinute >= 0 && p.opensMinute < p.closesMinute
                       && p.closesMinute <= 1440,
                   spec);
        if (i > 0)
            FUZZ_CHECK(periods->at(i - 1).closesMinute <= p.opensMinute, spec);
    }
    const QString written = OpeningHours::format(*periods);
    const std::optional<QList<OpeningPeriod>> again = OpeningHours::parse(weekday, written, &error);
    FUZZ_CHECK(again && *again == *periods, spec + QStringLiteral(" -> ") + written);
    return 0;
}
