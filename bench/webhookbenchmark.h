#pragma once

#include "bench/rounds.h"
#include "bench/runsummary.h"
#include "bench/webhookdelivery.h"

#include <QSqlDatabase>
#include <QString>

class BenchServer;
class ServerChild;

// The figures of one `carwash-bench webhooks` run.
struct WebhookBenchmarkResult
{
    QString serverVersion;
    QString serverDescription;
    int connections = 0; // HTTP connections of the client = pgbench's clients
    int serverPoolConnections = 0; // carwash-server's pool (DB_MAX_CONNECTIONS as loaded)
    int secondsPerRound = 0;
    int seededPayments = 0;

    // Verified events applied per second (2xx answers saying "applied")
    // against pgbench's tx/s running the same transaction, per round.
    Rounds applied;
    DeliveryStats rounds; // every measured round's deliveries together
    double p50Ms = 0, p95Ms = 0, p99Ms = 0;

    // The burst.
    struct Burst
    {
        qint64 deliveries = 0;
        qint64 distinctEvents = 0;
        qint64 duplicates = 0;
        qint64 adjacentDuplicates = 0; // sent right after the original: in flight together
        qint64 payments = 0; // each has a checkout.session.completed and a payment_intent.succeeded
        DeliveryStats client;
        double p50Ms = 0, p95Ms = 0, p99Ms = 0;
        // Counted from the database afterwards.
        qint64 eventsStored = 0;
        qint64 eventsUnprocessed = 0;
        qint64 eventsWithError = 0;
        qint64 paymentsApplied = 0; // succeeded
        qint64 paymentsLeftOpen = 0; // still pending or processing
        qint64 bookingsConfirmed = 0;
        qint64 minAuditPerPayment = 0; // payment.succeeded rows per payment
        qint64 maxAuditPerPayment = 0;
        qint64 doubleApplied = 0; // payments succeeded or bookings confirmed more than once
    } burst;

    qint64 serverRssBeforeBytes = 0;
    qint64 serverRssAfterBytes = 0;
    qint64 serverPeakRssBytes = 0;
    int serverExitCode = -1;
    int maxServerConnections = 0;
    RunSummary run;
};

// Seeds held bookings with pending Checkout payments, starts carwash-server
// on them and measures: alternated rounds of signed checkout.session.completed
// deliveries through the server and pgbench running the same transaction
// (the rows reset before each side), then a burst of distinct events with
// duplicates, counted from the database. Progress goes to stderr. Blocking;
// main thread with a QCoreApplication.
class WebhookBenchmark
{
public:
    static constexpr int Connections = 8;
    static constexpr int WarmUpDeliveries = 200;
    // carwash-server's CARWASH_RECONCILE_AFTER_SECONDS for the run: a day.
    static constexpr int ReconcileAfterSeconds = 86400;

    WebhookBenchmark(BenchServer &server, int secondsPerRound, int rounds, int burstDeliveries);

    // False when the benchmark cannot run (error says why) or was interrupted.
    bool run(WebhookBenchmarkResult *result, QString *error);

private:
    bool measure(QSqlDatabase &db, ServerChild &child, WebhookBenchmarkResult *result, QString *error);
    bool burst(QSqlDatabase &db, ServerChild &child, WebhookBenchmarkResult *result, QString *error);

    BenchServer &m_server;
    const int m_secondsPerRound;
    const int m_rounds;
    const int m_burstDeliveries;
};
