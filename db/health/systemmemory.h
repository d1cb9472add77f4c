#pragma once

#include <QtGlobal>

// Process and system memory, read from /proc on Linux. Cheap; no allocation.
struct SystemMemory
{
    qint64 totalBytes = 0;
    qint64 availableBytes = 0;
    double usedPct() const { return totalBytes > 0 ? 100.0 * (totalBytes - availableBytes) / totalBytes : 0.0; }

    static SystemMemory read();
    static qint64 processRssBytes();
};
