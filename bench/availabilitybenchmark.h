#pragma once

#include "bench/rounds.h"
#include "bench/runsummary.h"

#include <QString>

class BenchServer;
class ConnectionPool;
struct AvailabilityDataset;

// The figures of one `carwash-bench availability` run.
struct AvailabilityBenchmarkResult
{
    QString serverVersion;
    QString serverDescription;
    int connectionLimit = 0;
    int secondsPerRound = 0;

    qint64 bookings = 0;
    int bays = 0;
    int customers = 0;
    int futureDays = 0; // days with bookings that availability is asked for
    double generationSeconds = 0;

    // One day's availability (AvailabilityRepo::forDate, any bay, random
    // service and day). Server: PostgreSQL's planning plus execution time of
    // each statement forDate sent, replayed under EXPLAIN ANALYZE. End to
    // end: from the request on the event loop's thread through the pool
    // (queue, query, JSON decoding, slot planning) until the result is back
    // on that thread.
    int statementsPerRequest = 0;
    int serverSamples = 0;
    double serverP50Ms = 0;
    double serverP95Ms = 0;
    int endToEndSamples = 0;
    double endToEndP50Ms = 0;
    double endToEndP95Ms = 0;
    double freeSlotsPerRequest = 0; // mean, to show the answers were real

    // BookingRepo::create through the pool beside pgbench sending the same
    // statements, with the same number of clients, tx/s per round.
    int bookingClients = 0;
    Rounds booking;
    double poolBookedShare = 0; // of the creates, how many booked (the rest found the slot taken)

    int maxServerConnections = 0;
    RunSummary run;
};

// Generates the data set in the server's (fresh) database, then measures
// availability on the server and end to end, then the booking transaction
// against pgbench in alternated rounds (pool, pgbench, pool, pgbench, …; the
// data set restored between them).
// Progress goes to stderr. Blocking; main thread with a QCoreApplication.
class AvailabilityBenchmark
{
public:
    static constexpr int WarmUpRequests = 20;
    static constexpr int ServerSamples = 300;
    static constexpr int EndToEndSamples = 500;

    AvailabilityBenchmark(BenchServer &server, qint64 bookings, int secondsPerRound, int rounds);

    // False when the benchmark cannot run (error says why) or was interrupted.
    bool run(AvailabilityBenchmarkResult *result, QString *error);

private:
    bool measureAvailability(ConnectionPool &pool, const AvailabilityDataset &set,
                             AvailabilityBenchmarkResult *result, QString *error);
    bool measureBooking(ConnectionPool &pool, const AvailabilityDataset &set,
                        AvailabilityBenchmarkResult *result, QString *error);

    BenchServer &m_server;
    const qint64 m_bookings;
    const int m_secondsPerRound;
    const int m_rounds;
};
