#include "bench/webhookbenchmark.h"

#include "server/stripeupdatemapping.h"
#include "bench/benchserver.h"
#include "bench/connectionwatcher.h"
#include "bench/interruption.h"
#include "bench/pgbenchrunner.h"
#include "bench/progress.h"
#include "bench/serverchild.h"
#include "bench/webhookworkload.h"
#include "db/payments/stripeeventrepo.h"
#include "db/pool/sql.h"
#include "payments/stripeevent.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <numeric>

using Bench::progress;
using std::chrono::milliseconds;
using WebhookWorkload::Payment;

namespace {

const QString Secret = QStringLiteral("whsec_carwash_bench_0123456789abcdef");

// Runs work, turning a DbException into false with error set.
template<typename Work> bool guarded(const QString &what, QString *error, Work &&work)
{
    try {
        work();
        return true;
    } catch (const DbException &e) {
        *error = QStringLiteral("%1: %2").arg(what, e.error().toLogString());
        return false;
    }
}

QList<QByteArray> roundBodies(const QString &prefix, const QList<Payment> &payments, qsizetype count)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QList<QByteArray> bodies;
    bodies.reserve(count);
    for (qsizetype k = 0; k < count; ++k)
        bodies.append(
            WebhookWorkload::completedEvent(QStringLiteral("%1_%2").arg(prefix).arg(k), payments[k], now));
    return bodies;
}

} // namespace

WebhookBenchmark::WebhookBenchmark(BenchServer &server, int secondsPerRound, int rounds, int burstDeliveries)
    : m_server(server)
    , m_secondsPerRound(secondsPerRound)
    , m_rounds(rounds)
    , m_burstDeliveries(burstDeliveries)
{ }

bool WebhookBenchmark::run(WebhookBenchmarkResult *result, QString *error)
{
    WebhookBenchmarkResult &r = *result;
    r.serverDescription = m_server.description();
    r.secondsPerRound = m_secondsPerRound;
    r.connections = Connections;
    r.serverPoolConnections = m_server.config().maxConnections;
    RunSummary &summary = r.run;
    summary.declareSide(QStringLiteral("server"));
    summary.declareSide(QStringLiteral("pgbench"));
    summary.declareSide(QStringLiteral("burst"));
    summary.declareSide(QStringLiteral("double_applied"));
    summary.declareSide(QStringLiteral("burst_counts"));
    summary.markUsesPgbench();
    summary.setClients(QStringLiteral("http_connections"), Connections);
    summary.setClients(QStringLiteral("pgbench_clients"), Connections);
    summary.setClients(QStringLiteral("server_pool_connections"), r.serverPoolConnections);

    const QString name = QStringLiteral("carwash-bench-webhooks");
    bool ok = false;
    {
        QSqlDatabase db = m_server.addConnection(name, QStringLiteral("carwash-bench"));
        if (!db.open()) {
            *error = QStringLiteral("cannot connect: ") + db.lastError().text();
        } else {
            ServerChild child;
            ok = measure(db, child, result, error);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

bool WebhookBenchmark::measure(QSqlDatabase &db, ServerChild &child, WebhookBenchmarkResult *result,
                               QString *error)
{
    WebhookBenchmarkResult &r = *result;
    RunSummary &summary = r.run;
    // Enough payments that no round runs out: the server has never come
    // near 5,000 events a second on one machine.
    const qint64 burstPayments = (m_burstDeliveries - m_burstDeliveries / 5 + 1) / 2;
    const int count = int(std::max<qint64>(qint64(m_secondsPerRound) * 5000, burstPayments));
    QList<Payment> payments;
    progress(QStringLiteral("seeding %1 held bookings with a pending Checkout payment each").arg(count));
    if (!guarded(QStringLiteral("seeding"), error, [&] { payments = WebhookWorkload::seed(db, count); }))
        return false;
    r.seededPayments = int(payments.size());
    r.serverVersion = Sql::scalar(db, QStringLiteral("SHOW server_version")).toString();

    // The pgbench script is the same SQL only while it matches what
    // receive() sends: trace one and compare.
    if (!guarded(QStringLiteral("tracing a receive"), error, [&] {
            const QByteArray body = WebhookWorkload::completedEvent(
                QStringLiteral("evt_trace"), payments.first(), QDateTime::currentSecsSinceEpoch());
            const StripeEvent event = StripeEvent::parse(body);
            Sql::StatementRecorder recorder;
            const StripeEventOutcome outcome = StripeEventRepo(db).receive(
                event.id(), event.type(), body, StripeUpdateMapping::fromEvent(event));
            if (outcome.result != StripeEventOutcome::Result::Applied)
                summary.setPgbenchError(QStringLiteral("the traced event was not applied"));
            const QString differences = WebhookWorkload::differences(recorder.statements());
            if (!differences.isEmpty())
                summary.setPgbenchError(differences);
            WebhookWorkload::reset(db);
        }))
        return false;

    ConnectionWatcher watcher(m_server, ServerChild::ApplicationName);
    if (!watcher.start(error))
        return false;
    progress(QStringLiteral("starting %1").arg(ServerChild::programPath()));
    QProcessEnvironment stripe;
    stripe.insert(QStringLiteral("STRIPE_WEBHOOK_SECRET"), Secret);
    stripe.insert(QStringLiteral("STRIPE_SECRET_KEY"), QStringLiteral("sk_test_carwash_bench"));
    // Never called: nothing the benchmark does asks Stripe for anything.
    stripe.insert(QStringLiteral("STRIPE_API_BASE"), QStringLiteral("http://127.0.0.1:9"));
    // The seeded payments stay pending for the whole run: the reconciler
    // would otherwise start asking that absent Stripe about them after
    // three minutes, in the middle of a long run. Webhooks are measured here.
    stripe.insert(QStringLiteral("CARWASH_RECONCILE_AFTER_SECONDS"), QString::number(ReconcileAfterSeconds));
    if (!child.start(m_server, stripe, error))
        return false;
    r.serverRssBeforeBytes = child.rssBytes();

    auto reset = [&] {
        return guarded(QStringLiteral("resetting the rows"), error, [&] { WebhookWorkload::reset(db); });
    };
    progress(QStringLiteral("warm-up: %1 deliveries").arg(WarmUpDeliveries));
    const DeliveryStats warm = WebhookDelivery::run(
        child.port(), Secret, Connections,
        roundBodies(QStringLiteral("evt_warm"), payments, WarmUpDeliveries), std::nullopt);
    summary.countFailures(QStringLiteral("server"), warm.failed, warm.firstError);
    if (Interruption::requested(error) || !reset())
        return false;

    progress(QStringLiteral("events: %1 rounds of server, pgbench (%2 s each, %3 connections / clients each, "
                            "rows reset between)")
                 .arg(m_rounds)
                 .arg(m_secondsPerRound)
                 .arg(Connections));
    const PgbenchRunner pgbench(m_server, WebhookWorkload::pgbenchScript(payments));
    for (int round = 0; round < m_rounds; ++round) {
        const DeliveryStats load = WebhookDelivery::run(
            child.port(), Secret, Connections,
            roundBodies(QStringLiteral("evt_r%1").arg(round), payments, payments.size()),
            milliseconds(m_secondsPerRound * 1000));
        summary.countFailures(QStringLiteral("server"), load.failed, load.firstError);
        r.rounds += load;
        if (Interruption::requested(error) || !reset())
            return false;
        const std::optional<double> baseline = pgbench.runRound(Connections, m_secondsPerRound, summary);
        if (Interruption::requested(error) || !reset())
            return false;
        r.applied.add(load.seconds > 0 ? double(load.result(QStringLiteral("applied"))) / load.seconds : 0,
                      baseline);
    }
    r.p50Ms = WebhookDelivery::percentile(r.rounds.latenciesMs, 0.50);
    r.p95Ms = WebhookDelivery::percentile(r.rounds.latenciesMs, 0.95);
    r.p99Ms = WebhookDelivery::percentile(r.rounds.latenciesMs, 0.99);

    if (!burst(db, child, result, error))
        return false;

    r.serverRssAfterBytes = child.rssBytes();
    r.serverPeakRssBytes = child.peakRssBytes();
    progress(QStringLiteral("stopping carwash-server"));
    r.serverExitCode = child.stop();
    if (r.serverExitCode != 0)
        summary.countFailures(
            QStringLiteral("server"), 1,
            QStringLiteral("carwash-server exited with %1 after SIGTERM").arg(r.serverExitCode));
    r.maxServerConnections = watcher.maximum();
    summary.setConnectionsAfterShutdown(watcher.settledCount());
    watcher.stop();
    return true;
}

bool WebhookBenchmark::burst(QSqlDatabase &db, ServerChild &child, WebhookBenchmarkResult *result,
                             QString *error)
{
    WebhookBenchmarkResult::Burst &b = result->burst;
    RunSummary &summary = result->run;
    b.deliveries = m_burstDeliveries;
    b.duplicates = m_burstDeliveries / 5;
    b.distinctEvents = b.deliveries - b.duplicates;
    b.payments = (b.distinctEvents + 1) / 2;

    // Each payment's two events as Stripe sends them for a paid Checkout
    // session, all shuffled; then every fifth delivery a redelivery: half
    // right after the original (in flight together on two connections),
    // half anywhere.
    const QList<Payment> payments = [&] {
        QList<Payment> list;
        QSqlQuery query
            = Sql::exec(db,
                        QStringLiteral("SELECT p.id, b.id, b.code, p.amount_cents, p.currency "
                                       "FROM payments AS p JOIN bookings AS b ON b.id = p.booking_id "
                                       "WHERE b.created_by = 'carwash-bench' ORDER BY p.id LIMIT ?"),
                        {b.payments});
        while (query.next())
            list.append({query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toString(),
                         query.value(3).toLongLong(), query.value(4).toString().trimmed()});
        return list;
    }();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QList<QByteArray> distinct;
    for (qint64 k = 0; k < b.distinctEvents; ++k) {
        const Payment &p = payments[k / 2];
        const QString id = QStringLiteral("evt_burst_%1").arg(k);
        distinct.append(k % 2 == 0 ? WebhookWorkload::completedEvent(id, p, now)
                                   : WebhookWorkload::intentSucceededEvent(id, p, now));
    }
    QRandomGenerator random(20261206);
    std::shuffle(distinct.begin(), distinct.end(), random);
    QList<qsizetype> picks(distinct.size());
    std::iota(picks.begin(), picks.end(), 0);
    std::shuffle(picks.begin(), picks.end(), random);
    picks.resize(b.duplicates);
    b.adjacentDuplicates = b.duplicates / 2;
    const QSet<qsizetype> adjacent(picks.begin(), picks.begin() + b.adjacentDuplicates);
    QList<QByteArray> bodies;
    bodies.reserve(b.deliveries);
    for (qsizetype i = 0; i < distinct.size(); ++i) {
        bodies.append(distinct[i]);
        if (adjacent.contains(i))
            bodies.append(distinct[i]);
    }
    for (qsizetype j = b.adjacentDuplicates; j < picks.size(); ++j)
        bodies.insert(random.bounded(qint64(bodies.size()) + 1), distinct[picks[j]]);

    progress(
        QStringLiteral("burst: %1 deliveries (%2 distinct events for %3 payments, %4 redelivered, %5 of them "
                       "at once)")
            .arg(b.deliveries)
            .arg(b.distinctEvents)
            .arg(b.payments)
            .arg(b.duplicates)
            .arg(b.adjacentDuplicates));
    b.client = WebhookDelivery::run(child.port(), Secret, Connections, bodies, std::nullopt);
    if (Interruption::requested(error))
        return false;
    summary.countFailures(QStringLiteral("burst"), b.client.failed, b.client.firstError);
    b.p50Ms = WebhookDelivery::percentile(b.client.latenciesMs, 0.50);
    b.p95Ms = WebhookDelivery::percentile(b.client.latenciesMs, 0.95);
    b.p99Ms = WebhookDelivery::percentile(b.client.latenciesMs, 0.99);

    const qint64 first = payments.first().paymentId;
    const qint64 last = payments.last().paymentId;
    return guarded(QStringLiteral("counting the burst"), error, [&] {
        QSqlQuery events
            = Sql::exec(db,
                        QStringLiteral("SELECT count(*), count(*) FILTER (WHERE processed_at IS NULL), "
                                       "count(*) FILTER (WHERE processing_error IS NOT NULL) "
                                       "FROM stripe_events WHERE id LIKE 'evt_burst_%'"));
        events.next();
        b.eventsStored = events.value(0).toLongLong();
        b.eventsUnprocessed = events.value(1).toLongLong();
        b.eventsWithError = events.value(2).toLongLong();
        QSqlQuery paid = Sql::exec(
            db,
            QStringLiteral(
                "SELECT count(*) FILTER (WHERE p.status = 'succeeded'), "
                "count(*) FILTER (WHERE p.status IN ('pending', 'processing')), "
                "count(*) FILTER (WHERE b.status = 'confirmed') "
                "FROM payments AS p JOIN bookings AS b ON b.id = p.booking_id WHERE p.id BETWEEN ? AND ?"),
            {first, last});
        paid.next();
        b.paymentsApplied = paid.value(0).toLongLong();
        b.paymentsLeftOpen = paid.value(1).toLongLong();
        b.bookingsConfirmed = paid.value(2).toLongLong();
        // Stripe's audit rows per payment: one payment.succeeded and one
        // booking confirmation each, never two.
        QSqlQuery audit = Sql::exec(
            db,
            QStringLiteral(
                "WITH per AS (SELECT (details->>'payment_id')::bigint AS pid, count(*) AS n "
                "FROM audit_log WHERE actor = 'stripe' AND action = 'payment.succeeded' GROUP BY 1) "
                "SELECT COALESCE(min(COALESCE(per.n, 0)), 0), COALESCE(max(COALESCE(per.n, 0)), 0), "
                "count(*) FILTER (WHERE per.n > 1) "
                "FROM payments AS p LEFT JOIN per ON per.pid = p.id WHERE p.id BETWEEN ? AND ?"),
            {first, last});
        audit.next();
        b.minAuditPerPayment = audit.value(0).toLongLong();
        b.maxAuditPerPayment = audit.value(1).toLongLong();
        const qint64 paidTwice = audit.value(2).toLongLong();
        const qint64 confirmedTwice
            = Sql::scalar(db,
                          QStringLiteral(
                              "SELECT count(*) FROM (SELECT entity_id FROM audit_log WHERE actor = 'stripe' "
                              "AND action = 'booking.status' AND details->>'to' = 'confirmed' "
                              "GROUP BY entity_id HAVING count(*) > 1) AS twice"))
                  .toLongLong();
        b.doubleApplied = paidTwice + confirmedTwice;
        if (b.doubleApplied > 0)
            summary.countFailures(QStringLiteral("double_applied"), b.doubleApplied,
                                  QStringLiteral("%1 payment(s) applied twice, %2 booking(s) confirmed twice")
                                      .arg(paidTwice)
                                      .arg(confirmedTwice));
        if (b.eventsStored != b.distinctEvents || b.paymentsApplied != b.payments || b.eventsUnprocessed > 0
            || b.eventsWithError > 0 || b.bookingsConfirmed != b.payments)
            summary.countFailures(
                QStringLiteral("burst_counts"), 1,
                QStringLiteral("after the burst: %1 of %2 events stored (%3 unprocessed, %4 with "
                               "an error), %5 of %6 payments applied, %7 bookings confirmed")
                    .arg(b.eventsStored)
                    .arg(b.distinctEvents)
                    .arg(b.eventsUnprocessed)
                    .arg(b.eventsWithError)
                    .arg(b.paymentsApplied)
                    .arg(b.payments)
                    .arg(b.bookingsConfirmed));
    });
}
