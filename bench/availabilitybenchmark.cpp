#include "bench/availabilitybenchmark.h"

#include "bench/availabilitydataset.h"
#include "bench/benchserver.h"
#include "bench/bookingtransaction.h"
#include "bench/interruption.h"
#include "bench/loadgenerator.h"
#include "bench/pgbenchrunner.h"
#include "bench/statementcapture.h"
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlError>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>

using std::chrono::milliseconds;

namespace {

void progress(const QString &message)
{
    std::fprintf(stderr, "carwash-bench: %s\n", qPrintable(message));
    std::fflush(stderr);
}

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
        if (verb == u"PREPARE" || verb == u"DEALLOCATE") {
            Sql::exec(db, statement);
        } else if (verb == u"EXECUTE" || verb == u"SELECT" || verb == u"WITH") {
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
// there through a QFutureWatcher (what Async::onResult does), then ask
// again. Returns the milliseconds of each request.
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
        auto *watcher = new QFutureWatcher<Answer>(&context);
        QObject::connect(watcher, &QFutureWatcherBase::finished, &context, [&, watcher] {
            const double ms = double(clock.nsecsElapsed()) / 1e6;
            watcher->deleteLater();
            const Answer answer = watcher->future().result();
            if (!answer.ok()) {
                *error = answer.error().toLogString();
                loop.quit();
                return;
            }
            slotSum += answer.value().size();
            samples.append(ms);
            ask();
        });
        watcher->setFuture(future);
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

double tpsOf(const PgbenchRunner::Outcome &a, const PgbenchRunner::Outcome &b)
{
    const double seconds
        = (a.tps > 0 ? double(a.transactions) / a.tps : 0) + (b.tps > 0 ? double(b.transactions) / b.tps : 0);
    return seconds > 0 ? double(a.transactions + b.transactions) / seconds : 0;
}

} // namespace

AvailabilityBenchmark::AvailabilityBenchmark(BenchServer &server, qint64 bookings, int secondsPerSide)
    : m_server(server)
    , m_bookings(bookings)
    , m_secondsPerSide(secondsPerSide)
{ }

bool AvailabilityBenchmark::run(AvailabilityBenchmarkResult *result, QString *error)
{
    AvailabilityBenchmarkResult &r = *result;
    r.serverDescription = m_server.description();
    r.secondsPerSide = m_secondsPerSide;
    auto interrupted = [&] {
        if (!Interruption::requested())
            return false;
        *error = QStringLiteral("interrupted");
        return true;
    };

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
    if (interrupted())
        return false;

    const DatabaseConfig &config = m_server.config();
    r.connectionLimit = config.maxConnections;
    ConnectionPool pool(config);
    const DbResult<QString> version
        = pool.withConnection(QStringLiteral("bench.version"),
                              [](QSqlDatabase &db) {
                                  return Sql::scalar(db, QStringLiteral("SHOW server_version")).toString();
                              })
              .result();
    if (!version.ok()) {
        *error = version.error().toLogString();
        return false;
    }
    r.serverVersion = version.value();

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
        if (interrupted())
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
    if (interrupted())
        return false;
    r.endToEndSamples = int(e2e.size());
    r.endToEndP50Ms = percentile(e2e, 0.50);
    r.endToEndP95Ms = percentile(e2e, 0.95);

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
        r.pgbenchError = BookingTransaction::differences(traced.value());
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
    auto account = [&](const LoadResult &load) {
        r.poolFailures += load.failed;
        if (r.firstFailure.isEmpty() && !load.firstError.isEmpty())
            r.firstFailure = load.firstError;
    };

    const int clients = config.maxConnections;
    const int halfSeconds = std::max(1, m_secondsPerSide / 2);
    progress(QStringLiteral("booking warm-up"));
    account(LoadGenerator::runFor(clients, milliseconds(1000), create));
    if (interrupted() || !removeRows())
        return false;
    booked = 0;
    attempts = 0;

    progress(QStringLiteral("booking_tx: pgbench, pool, pool, pgbench (%1 s each, %2 clients, rows removed "
                            "between)")
                 .arg(halfSeconds)
                 .arg(clients));
    const PgbenchRunner pgbench(m_server, BookingTransaction::pgbenchScript(plan));
    const bool scriptOk = r.pgbenchError.isEmpty();
    const PgbenchRunner::Outcome bench1
        = scriptOk ? pgbench.run(clients, halfSeconds) : PgbenchRunner::Outcome {};
    if (interrupted() || !removeRows())
        return false;
    LoadResult poolLoad = LoadGenerator::runFor(clients, milliseconds(halfSeconds * 1000), create);
    if (interrupted() || !removeRows())
        return false;
    poolLoad += LoadGenerator::runFor(clients, milliseconds(halfSeconds * 1000), create);
    if (interrupted() || !removeRows())
        return false;
    const PgbenchRunner::Outcome bench2
        = bench1.ok ? pgbench.run(clients, halfSeconds) : PgbenchRunner::Outcome {};
    if (interrupted() || !removeRows())
        return false;
    account(poolLoad);
    r.bookingPoolTps = poolLoad.perSecond();
    r.poolBookedShare = attempts > 0 ? double(booked) / double(attempts) : 0;
    if (bench1.ok && bench2.ok)
        r.pgbenchTps = tpsOf(bench1, bench2);
    else if (scriptOk)
        r.pgbenchError = bench1.ok ? bench2.error : bench1.error;
    return true;
}
