#include "db/health/systemmemory.h"

#include <cstdio>
#include <cstring>
#include <unistd.h>

SystemMemory SystemMemory::read()
{
    SystemMemory m;
    FILE *f = std::fopen("/proc/meminfo", "r");
    if (!f)
        return m;
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
        long long kb = 0;
        if (std::sscanf(line, "MemTotal: %lld kB", &kb) == 1)
            m.totalBytes = kb * 1024;
        else if (std::sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
            m.availableBytes = kb * 1024;
    }
    std::fclose(f);
    return m;
}

qint64 SystemMemory::processRssBytes()
{
    FILE *f = std::fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    long long pagesTotal = 0, pagesResident = 0;
    const int n = std::fscanf(f, "%lld %lld", &pagesTotal, &pagesResident);
    std::fclose(f);
    return n == 2 ? pagesResident * sysconf(_SC_PAGESIZE) : 0;
}
