#include "bench/interruption.h"

#include <QString>

#include <atomic>
#include <csignal>

namespace {

std::atomic<bool> g_requested {false};

extern "C" void onSignal(int)
{
    g_requested.store(true, std::memory_order_relaxed);
}

} // namespace

namespace Interruption {

void install()
{
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

bool requested()
{
    return g_requested.load(std::memory_order_relaxed);
}

bool requested(QString *error)
{
    if (!requested())
        return false;
    *error = QStringLiteral("interrupted");
    return true;
}

} // namespace Interruption
