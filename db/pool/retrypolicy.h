#pragma once

#include <chrono>
#include <random>

// Bounds for retrying a whole unit of work on a transient failure: exponential
// backoff with full jitter (delay drawn from [0, min(cap, base * 2^n)]),
// capped in attempts and in total time.
struct RetryPolicy
{
    int maxAttempts = 1;    // 1 = no retry
    int baseDelayMs = 50;
    int maxDelayMs = 2000;
    int maxTotalMs = 0;     // 0 = bounded by attempts only

    static RetryPolicy none() { return {1, 0, 0, 0}; }
    // Reads and ordinary writes: a few quick tries.
    static RetryPolicy standard() { return {4, 50, 1000, 5000}; }
    // Work a customer is waiting on (a booking, a payment): rides out a
    // server restart of some seconds.
    static RetryPolicy critical() { return {8, 100, 3000, 20000}; }

    // Delay before attempt number `attempt` + 1 (attempt counts from 1).
    template<typename Rng>
    std::chrono::milliseconds backoff(int attempt, Rng &rng) const
    {
        const int shift = attempt - 1 < 20 ? attempt - 1 : 20;
        const long long ceiling = std::min<long long>(maxDelayMs, static_cast<long long>(baseDelayMs) << shift);
        if (ceiling <= 0)
            return std::chrono::milliseconds(0);
        std::uniform_int_distribution<long long> dist(0, ceiling);
        return std::chrono::milliseconds(dist(rng));
    }
};
