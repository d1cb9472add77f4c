#include "bench/progress.h"

#include <cstdio>

namespace Bench {

void progress(const QString &message)
{
    std::fprintf(stderr, "carwash-bench: %s\n", qPrintable(message));
    std::fflush(stderr);
}

} // namespace Bench
