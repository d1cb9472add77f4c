#include "bench/availabilitybenchmark.h"

#include "bench/availabilitydataset.h"
#include "bench/benchserver.h"
#include "bench/bookingtransaction.h"
#include "bench/connectionwatcher.h"
#include "bench/interruption.h"
#include "bench/loadgenerator.h"
#include "bench/pgbenchrunner.h"
#include "bench/progress.h"
#include "bench/statementcapture.h"
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlError>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>

using Bench::progress;
using std::chrono::milliseconds;

namespace {

// Nearest rank: the smallest sample with at least p of them at or below it.
double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype rank = qsizetype(std::ceil(p * double(values.size())));
    return values[std::clamp<qsizetype>(rank - 1, 0, values.size() - 1)];
}

struct Probe
{
    AvailabilityRequest request;
    QDate day;
};

QList<Probe> probes(const AvailabilityDataset &set, int count, QRandomGenerator &random)
{
    QList<Probe> list;
    for (int i = 0; i < count; ++i) {
        Probe p;
        p.request.serviceId = set.serviceIds[random.bounded(int(set.serviceIds.size()))];
        p.request.vehicleClass = QStringLiteral("car");
        p.day = set.firstBookedDay().addDays(random.bounded(set.futureDays));
        list.append(p);
    }
    return list;
}

struct ServerSample
{
    double ms = 0;
    int statements = 0; // timed ones
    int freeSlots = 0;
};

// forDate traced, then each statement it sent replayed as it was sent, the
// ones that read under EXPLAIN (ANALYZE, TIMING OFF): PostgreSQL's own
// planning plus execution time, without the per-node clock reads that
// would inflate it. Statements arrive with their values in them (see
// Sql::exec); a PREPARE is replayed too, should a driver send one.
DbResult<ServerSample> serverSample(QSqlDatabase &db, const Probe &probe)
{
    StatementCapture capture(db);
    const DbResult<QList<PlannedSlot>> planned = AvailabilityRepo(db).forDate(probe.request, probe.day);
    const QStringList sent = capture.finish();
    if (!planned.ok())
        return planned.error();
    if (sent.isEmpty())
        return DbError(DbError::Kind::Invalid, QStringLiteral("no statement was traced"));
    ServerSample sample;
    sample.freeSlots = int(planned.value().size());
    for (const QString &statement : sent) {
        const QString verb = statement.trimmed().section(QLatin1Char(' '), 0, 0).toUpper();
        // Sql::exec prepares nothing, so what forDate sends is plain text:
        // each query replays under EXPLAIN as it was sent.
        if (verb == u"SELECT" || verb == u"WITH") {
            const QString plan
                = Sql::scalar(db, QStringLiteral("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ") + statement)
                      .toString();
            const QJsonObject top = QJsonDocument::fromJson(plan.toUtf8()).array().first().toObject();
            sample.ms += top[u"Planning Time"].toDouble() + top[u"Execution Time"].toDouble();
            ++sample.statements;
        } else if (verb != u"BEGIN" && verb != u"COMMIT" && verb != u"SAVEPOINT" && verb != u"RELEASE") {
            return DbError(DbError::Kind::Invalid,
                           QStringLiteral("unexpected statement from forDate: %1").arg(statement.left(200)));
        }
    }
    return sample;
}

// The way a desk asks: submit from the event loop's thread, get the answer
// there through Async::onResult, then ask again. Returns the milliseconds of
// each request.
QList<double> endToEnd(ConnectionPool &pool, const QList<Probe> &list, double *meanFreeSlots, QString *error)
{
    using Answer = DbResult<QList<PlannedSlot>>;
    QList<double> samples;
    QEventLoop loop;
    QObject context;
    QElapsedTimer clock;
    qint64 slotSum = 0;
    qsizetype next = 0;
    std::function<void()> ask = [&] {
        if (next == list.size() || Interruption::requested()) {
            loop.quit();
            return;
        }
        const Probe probe = list[next++];
        clock.start();
        const QFuture<Answer> future
            = pool.withConnection(QStringLiteral("bench.availability"), [probe](QSqlDatabase &db) {
                  return AvailabilityRepo(db).forDate(probe.request, probe.day);
              });
        Async::onResult(future, &context, [&](const Answer &answer) {
            const double ms = double(clock.nsecsElapsed()) / 1e6;
            if (!answer.ok()) {
                *error = answer.error().toLogString();
                loop.quit();
                return;
            }
            slotSum += answer.value().size();
            samples.append(ms);
            ask();
        });
    };
    QTimer interruption;
    QObject::connect(&interruption, &QTimer::timeout, &loop, [&] {
        if (Interruption::requested())
            loop.quit();
    });
    interruption.start(100);
    QTimer::singleShot(0, &context, ask);
    loop.exec();
    if (meanFreeSlots && !samples.isEmpty())
        *meanFreeSlots = double(slotSum) / double(samples.size());
    return samples;
}

} // namespace

AvailabilityBenchmark::AvailabilityBenchmark(BenchServer &server, qint64 bookings, int secondsPerRound,
                                             int rounds)
    : m_server(server)
    , m_bookings(bookings)
    , m_secondsPerRound(secondsPerRound)
    , m_rounds(rounds)
{ }

bool AvailabilityBenchmark::run(AvailabilityBenchmarkResult *result, QString *error)
{
    AvailabilityBenchmarkResult &r = *result;
    r.serverDescription = m_server.description();
    r.secondsPerRound = m_secondsPerRound;
    RunSummary &summary = r.run;
    summary.declareSide(QStringLiteral("pool"));
    summary.declareSide(QStringLiteral("pgbench"));
    summary.markUsesPgbench();

    // Generating is one long job: on a connection of its own rather than
    // the pool, whose leak detector would rightly complain.
    AvailabilityDataset set;
    {
        const QString name = QStringLiteral("carwash-bench-generator");
        bool ok = false;
        {
            QSqlDatabase db = m_server.addConnection(name, QStringLiteral("carwash-bench-generator"));
            if (!db.open()) {
                *error = QStringLiteral("cannot connect: ") + db.lastError().text();
            } else {
                try {
                    set = AvailabilityDataset::generate(db, m_bookings, progress);
                    ok = true;
                } catch (const DbException &e) {
                    *error = QStringLiteral("generating the data set failed: ") + e.error().toLogString();
                }
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        if (!ok)
            return false;
    }
    r.bookings = set.bookings;
    r.bays = int(set.bayIds.size());
    r.customers = set.customers;
    r.futureDays = set.futureDays;
    r.generationSeconds = set.seconds;
    if (Interruption::requested(error))
        return false;

    const DatabaseConfig &config = m_server.config();
    r.connectionLimit = config.maxConnections;
    r.bookingClients = config.maxConnections;
    summary.setClients(QStringLiteral("pool_connections"), config.maxConnections);
    summary.setClients(QStringLiteral("booking_pool_submitters"), r.bookingClients);
    summary.setClients(QStringLiteral("booking_pgbench_clients"), r.bookingClients);
    summary.setClients(QStringLiteral("availability_submitters"), 1);

    ConnectionWatcher watcher(m_server, config.applicationName);
    if (!watcher.start(error))
        return false;
    {
        ConnectionPool pool(config);
        if (!BenchServer::versionThrough(pool, &r.serverVersion, error))
            return false;
        if (!measureAvailability(pool, set, &r, error) || !measureBooking(pool, set, &r, error))
            return false;
    }
    r.maxServerConnections = watcher.maximum();
    summary.setConnectionsAfterShutdown(watcher.settledCount());
    watcher.stop();
    return true;
}

bool AvailabilityBenchmark::measureAvailability(ConnectionPool &pool, const AvailabilityDataset &set,
                                                AvailabilityBenchmarkResult *result, QString *error)
{
    AvailabilityBenchmarkResult &r = *result;
    QRandomGenerator random(20240607);
    progress(QStringLiteral("availability warm-up: %1 requests").arg(WarmUpRequests));
    QString why;
    endToEnd(pool, probes(set, WarmUpRequests, random), nullptr, &why);
    if (!why.isEmpty()) {
        *error = why;
        return false;
    }

    progress(QStringLiteral("server_ms: %1 days, each forDate traced and replayed under EXPLAIN ANALYZE")
                 .arg(ServerSamples));
    QList<double> server;
    for (const Probe &probe : probes(set, ServerSamples, random)) {
        if (Interruption::requested(error))
            return false;
        const DbResult<ServerSample> sample
            = pool.withConnection(QStringLiteral("bench.availability.server"),
                                  [probe](QSqlDatabase &db) { return serverSample(db, probe); })
                  .result();
        if (!sample.ok()) {
            *error = sample.error().toLogString();
            return false;
        }
        server.append(sample.value().ms);
        r.statementsPerRequest = sample.value().statements;
    }
    r.serverSamples = int(server.size());
    r.serverP50Ms = percentile(server, 0.50);
    r.serverP95Ms = percentile(server, 0.95);

    progress(QStringLiteral("end_to_end_ms: %1 requests from the event loop through the pool")
                 .arg(EndToEndSamples));
    const QList<double> e2e
        = endToEnd(pool, probes(set, EndToEndSamples, random), &r.freeSlotsPerRequest, &why);
    if (!why.isEmpty()) {
        *error = why;
        return false;
    }
    if (Interruption::requested(error))
        return false;
    r.endToEndSamples = int(e2e.size());
    r.endToEndP50Ms = percentile(e2e, 0.50);
    r.endToEndP95Ms = percentile(e2e, 0.95);
    return true;
}

bool AvailabilityBenchmark::measureBooking(ConnectionPool &pool, const AvailabilityDataset &set,
                                           AvailabilityBenchmarkResult *result, QString *error)
{
    AvailabilityBenchmarkResult &r = *result;
    RunSummary &summary = r.run;
    // The booking transaction.
    BookingTransaction::Plan plan;
    plan.firstBayId = set.bayIds.first();
    plan.bayCount = int(set.bayIds.size());
    plan.firstServiceId = set.serviceIds.first();
    plan.serviceCount = int(set.serviceIds.size());
    plan.addonId = set.addonId;
    plan.firstDay = set.firstFreeDay();
    plan.lastDay = set.lastFreeDay();
    plan.customers = set.customers;
    plan.opensHour = AvailabilityDataset::OpensHour;
    // The longest service with the add-on and buffer (30 + 5 + 5) ends by closing time.
    plan.startSlots = (AvailabilityDataset::ClosesHour - AvailabilityDataset::OpensHour) * 4 - 2;

    auto removeRows = [&]() {
        const DbResult<Done> removed
            = pool.withConnection(QStringLiteral("bench.cleanup"),
                                  [](QSqlDatabase &db) { BookingTransaction::removeRows(db); })
                  .result();
        if (!removed.ok()) {
            *error = removed.error().toLogString();
            return false;
        }
        return true;
    };

    // The pgbench script is the same SQL only while it matches what create
    // sends: trace one create down each path (known customer with an
    // add-on, new customer without) and compare.
    {
        QRandomGenerator pick(7);
        BookingRequest known = BookingTransaction::randomRequest(plan, pick);
        known.plate = AvailabilityDataset::plate(1);
        known.name = AvailabilityDataset::customerName(1);
        known.slot.addonIds = {set.addonId};
        BookingRequest stranger = BookingTransaction::randomRequest(plan, pick);
        stranger.plate = QStringLiteral("CW20000001");
        stranger.name = QStringLiteral("New customer 20000001");
        stranger.slot.addonIds.clear();
        stranger.start = known.start;
        stranger.slot.bayId = plan.firstBayId + (known.slot.bayId - plan.firstBayId + 1) % plan.bayCount;
        const DbResult<QStringList> traced
            = pool.withConnection(QStringLiteral("bench.booking.trace"),
                                  [known, stranger](QSqlDatabase &db) {
                                      QStringList statements;
                                      for (const BookingRequest &request : {known, stranger}) {
                                          Sql::StatementRecorder recorder;
                                          const BookingOutcome outcome = BookingRepo(db).create(request);
                                          statements += recorder.statements();
                                          if (outcome.result != BookingOutcome::Result::Booked)
                                              return DbResult<QStringList>(
                                                  DbError(DbError::Kind::Invalid,
                                                          QStringLiteral("a traced booking was not made: %1")
                                                              .arg(outcome.errors.isEmpty()
                                                                       ? outcome.error().message()
                                                                       : outcome.errors.first().message)));
                                      }
                                      return DbResult<QStringList>(statements);
                                  })
                  .result();
        if (!traced.ok()) {
            *error = traced.error().toLogString();
            return false;
        }
        const QString differences = BookingTransaction::differences(traced.value());
        if (!differences.isEmpty())
            summary.setPgbenchError(differences);
    }
    if (!removeRows())
        return false;

    std::atomic<qint64> booked {0};
    std::atomic<qint64> attempts {0};
    const LoadGenerator::Unit create = [&](QString *failure) {
        static thread_local QRandomGenerator local(QRandomGenerator::global()->generate());
        const BookingRequest request = BookingTransaction::randomRequest(plan, local);
        const DbResult<BookingOutcome> outcome
            = pool.withRetry(QStringLiteral("bench.booking.create"), RetryPolicy::critical(),
                             [request](QSqlDatabase &db) { return BookingRepo(db).create(request); })
                  .result();
        if (!outcome.ok()) {
            *failure = outcome.error().toLogString();
            return false;
        }
        attempts.fetch_add(1);
        if (outcome.value().isBooked())
            booked.fetch_add(1);
        return true;
    };
    const int clients = r.bookingClients;
    const milliseconds side(m_secondsPerRound * 1000);
    progress(QStringLiteral("booking warm-up"));
    summary.countFailures(QStringLiteral("pool"), LoadGenerator::runFor(clients, milliseconds(1000), create));
    if (Interruption::requested(error) || !removeRows())
        return false;
    booked = 0;
    attempts = 0;

    progress(QStringLiteral("booking_tx: %1 rounds of pool, pgbench (%2 s each, %3 clients each, rows "
                            "removed between)")
                 .arg(m_rounds)
                 .arg(m_secondsPerRound)
                 .arg(clients));
    const PgbenchRunner pgbench(m_server, BookingTransaction::pgbenchScript(plan));
    // A script that no longer matches create() is not the same SQL: runRound
    // does not run it (the mismatch is in summary as pgbench's error).
    for (int round = 0; round < m_rounds; ++round) {
        const LoadResult poolLoad = LoadGenerator::runFor(clients, side, create);
        summary.countFailures(QStringLiteral("pool"), poolLoad);
        if (Interruption::requested(error) || !removeRows())
            return false;
        const std::optional<double> baseline = pgbench.runRound(clients, m_secondsPerRound, summary);
        if (Interruption::requested(error) || !removeRows())
            return false;
        r.booking.add(poolLoad.perSecond(), baseline);
    }
    r.poolBookedShare = attempts > 0 ? double(booked) / double(attempts) : 0;
    return true;
}
