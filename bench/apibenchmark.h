#pragma once

#include "bench/apiworkload.h"
#include "bench/rounds.h"

#include <QList>
#include <QMap>
#include <QString>

class BenchServer;
class RunSummary;
class ServerChild;

// The online API's figures of one `carwash-bench server` run.
struct ApiBenchmarkResult
{
    // The data set (AvailabilityDataset) the server runs on.
    qint64 bookings = 0;
    int futureDays = 0;
    double generationSeconds = 0;

    // Cold starts: process start to the first 200 on GET /api/services, on
    // the database already migrated (by the data set's generation).
    QList<double> coldStartMs;

    // One wrk side per round: answers as wrk counted them and as the server logged them.
    struct Side
    {
        qint64 requests = 0;
        qint64 non2xx = 0;
        qint64 socketErrors = 0;
        QList<double> p50Ms, p99Ms; // per round
        QMap<int, qint64> statuses; // the server's log
    };

    // GET /api/availability (questions: every booked day with every
    // service, both sides) against pgbench sending each question's traced
    // forDate statements, one script per question.
    int questions = 0;
    Rounds availability;
    Side availabilityWrk;
    qint64 availabilityPgbenchTransactions = 0;

    // POST /api/bookings, bookings made per second (201s, counted in the
    // database) against pgbench's booking transaction (bookings it made).
    ApiWorkload::FreeStarts freeStarts;
    Rounds booking;
    Side bookingWrk;
    QList<qint64> serverBookingsMade, pgbenchBookingsMade; // per round
    qint64 pgbenchBookingTransactions = 0;
    qint64 onlineBookingsLeft = -1; // after the last clean-up
    qint64 benchBookingsLeft = -1;

    // RSS around a fixed number of GETs (the mix named in mixText).
    qint64 mixAsked = 0;
    QString mixText;
    Side mix; // p50Ms / p99Ms per wrk run
    int mixRuns = 0;
    QMap<QString, QMap<int, qint64>> mixStatuses; // path -> status -> count
    qint64 rssBeforeMixBytes = 0;
    qint64 rssAfterMixBytes = 0;
    // After each wrk run: (GETs answered so far, RSS), so a reader tells a
    // plateau (heap arenas reaching their size) from a leak (steady growth).
    QList<QPair<qint64, qint64>> rssAlong;
    // The longest a GET of the mix took inside the server (its own log).
    qint64 mixSlowestServerMs = -1;
    // RSS at the end less RSS at the first sample past half the GETs.
    qint64 rssGrowthSecondHalfBytes() const;
    int serverConnectionsAtEnd = -1; // in pg_stat_activity before SIGTERM
};

// Measures carwash-server's online API on the AvailabilityDataset: cold
// starts, availability and booking against pgbench in alternated rounds,
// and RSS around mixRequests GETs. Blocking; main thread. Failures go to
// summary under "availability", "bookings", "mix", "pgbench" and "cold_start".
class ApiBenchmark
{
public:
    static constexpr int Connections = 50;
    static constexpr int ColdStarts = 5;

    ApiBenchmark(BenchServer &server, int secondsPerRound, int rounds, qint64 mixRequests);

    // On a connection of its own: generates the data set (bookings), turns
    // the write limit off and traces the availability statements.
    bool prepare(qint64 bookings, ApiBenchmarkResult *result, RunSummary &summary, QString *error);
    bool coldStarts(ApiBenchmarkResult *result, RunSummary &summary, QString *error);
    // With the server running (child).
    bool measure(ServerChild &child, ApiBenchmarkResult *result, RunSummary &summary, QString *error);

private:
    bool availabilityRounds(ServerChild &child, ApiBenchmarkResult *result, RunSummary &summary,
                            QString *error);
    bool bookingRounds(ServerChild &child, ApiBenchmarkResult *result, RunSummary &summary, QString *error);
    bool mixRun(ServerChild &child, ApiBenchmarkResult *result, RunSummary &summary, QString *error);

    BenchServer &m_server;
    const int m_secondsPerRound;
    const int m_rounds;
    const qint64 m_mixRequests;
    AvailabilityDataset m_set;
    QStringList m_availabilityScripts;
};
