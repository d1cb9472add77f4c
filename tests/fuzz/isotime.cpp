// ISO-8601 dates and times as the command line and the booking API take
// them (IsoTime::parseDate, IsoTime::parseDateTime). Input: the text. The
// process runs in a zone with daylight saving time (Europe/Berlin), as a
// site's PC may. Properties: a date reads back as the very text; an instant
// formatted reads as the same instant (to the second, as format() writes
// it) with the same offset; a wall-clock time keeps the date and time that
// were typed, whatever the PC's zone.

#include "tests/fuzz/fuzzinput.h"

#include "db/text/isotime.h"

#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    setenv("TZ", "Europe/Berlin", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    const std::optional<QDate> date = IsoTime::parseDate(text);
    if (date)
        FUZZ_CHECK(date->isValid() && date->toString(Qt::ISODate) == text, text);

    bool hasOffset = true;
    const QDateTime read = IsoTime::parseDateTime(text, &hasOffset);
    // A wall-clock time exists wherever the same date and time does in UTC,
    // whatever the PC's zone: the site's may differ.
    bool inUtc = false;
    if (IsoTime::parseDateTime(text.trimmed() + QLatin1Char('Z'), &inUtc).isValid())
        FUZZ_CHECK(read.isValid() && !hasOffset, text);
    if (!read.isValid()) {
        FUZZ_CHECK(!hasOffset, text);
        return 0;
    }
    if (hasOffset) {
        // format() writes whole seconds.
        const QString written = IsoTime::format(read);
        bool writtenHasOffset = false;
        const QDateTime again = IsoTime::parseDateTime(written, &writtenHasOffset);
        FUZZ_CHECK(writtenHasOffset && again.isValid() && again == read.addMSecs(-read.time().msec())
                       && again.offsetFromUtc() == read.offsetFromUtc(),
                   text + QStringLiteral(" -> ") + written);
    } else {
        // What was typed: the date, then the time with its seconds and milliseconds when given.
        const QString typed = text.trimmed();
        const QString time = read.time().toString(QStringLiteral("HH:mm:ss.zzz"));
        const QString shown = read.date().toString(Qt::ISODate) + typed.mid(10, 1) + time;
        const QString typedFull = typed.size() == 16 ? typed + QStringLiteral(":00.000")
            : typed.size() == 19                     ? typed + QStringLiteral(".000")
                                                     : typed.leftJustified(23, u'0');
        FUZZ_CHECK(shown == typedFull, typed + QStringLiteral(" read as ") + shown);
    }
    return 0;
}
