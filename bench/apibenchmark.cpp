#include "bench/apibenchmark.h"

#include "bench/benchserver.h"
#include "bench/bookingtransaction.h"
#include "bench/interruption.h"
#include "bench/pgbenchrunner.h"
#include "bench/progress.h"
#include "bench/runsummary.h"
#include "bench/serverchild.h"
#include "bench/wrkrunner.h"
#include "db/pool/sql.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSqlError>
#include <QTemporaryFile>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

using Bench::progress;

namespace {

// Runs work on a connection of the benchmark's own (application_name
// "carwash-bench"), turning a DbException into false with error set.
template<typename Work>
bool onOwnConnection(const BenchServer &server, const QString &what, QString *error, Work &&work)
{
    const QString name = QStringLiteral("carwash-bench-api");
    bool ok = false;
    {
        QSqlDatabase db = server.addConnection(name, QStringLiteral("carwash-bench"));
        if (!db.open()) {
            *error = QStringLiteral("%1: cannot connect: %2").arg(what, db.lastError().text());
        } else {
            try {
                ok = work(db);
            } catch (const DbException &e) {
                *error = QStringLiteral("%1: %2").arg(what, e.error().toLogString());
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

// A wrk Lua script in a temporary file, kept while it lives.
class LuaFile
{
public:
    explicit LuaFile(const QString &script)
        : m_file(QDir::tempPath() + QStringLiteral("/carwash-bench-XXXXXX.lua"))
    {
        m_ok = m_file.open() && m_file.write(script.toUtf8()) >= 0 && m_file.flush();
    }
    bool ok() const { return m_ok; }
    QString path() const { return m_file.fileName(); }

private:
    QTemporaryFile m_file;
    bool m_ok = false;
};

void add(ApiBenchmarkResult::Side &side, const WrkRunner::Outcome &o)
{
    side.requests += o.requests;
    side.non2xx += o.non2xx;
    side.socketErrors += o.socketErrors;
    side.p50Ms.append(o.p50Ms);
    side.p99Ms.append(o.p99Ms);
}

// wrk's own failure or its socket errors, counted on side.
bool counted(RunSummary &summary, const QString &side, const QString &what, const WrkRunner::Outcome &o)
{
    if (!o.ok) {
        summary.countFailures(side, 1, QStringLiteral("%1: %2").arg(what, o.error));
        return false;
    }
    summary.countFailures(side, o.socketErrors, QStringLiteral("%1: %2").arg(what, o.socketErrorText));
    return true;
}

// Every logged answer whose status is not among expected is a failure of side.
void unexpected(RunSummary &summary, const QString &side, const QString &what,
                const QMap<int, qint64> &statuses, const QList<int> &expected)
{
    for (auto it = statuses.begin(); it != statuses.end(); ++it) {
        if (!expected.contains(it.key()))
            summary.countFailures(
                side, it.value(),
                QStringLiteral("%1 answered %2 to %3").arg(it.value()).arg(it.key()).arg(what));
    }
}

// Waits until the server has answered what wrk left in flight when it
// stopped (its log, a line per answer, stops growing), so a round's rows
// are all in before they are counted and the next side starts on an idle
// server. At most 10 s.
void settle(const ServerChild &child)
{
    QElapsedTimer clock;
    clock.start();
    qint64 size = child.logSize();
    while (clock.elapsed() < 10000 && !Interruption::requested()) {
        QThread::msleep(250);
        const qint64 now = child.logSize();
        if (now == size)
            return;
        size = now;
    }
}

// pgbench's side of a round, unless an earlier round found pgbench
// unusable: a run of seconds with clients, then afterRun (the booking round
// counts and removes pgbench's rows there, between the run and the check),
// then its failures counted in summary. *outcome is pgbench's when it ran
// and could; false when interrupted or afterRun failed (error set).
bool pgbenchSide(const PgbenchRunner &pgbench, int clients, int seconds, RunSummary &summary, QString *error,
                 const std::function<bool()> &afterRun, std::optional<PgbenchRunner::Outcome> *outcome)
{
    if (!summary.pgbenchError().isEmpty())
        return true;
    const PgbenchRunner::Outcome o = pgbench.run(clients, seconds);
    if (Interruption::requested(error))
        return false;
    if (afterRun && !afterRun())
        return false;
    if (!o.ok) {
        summary.setPgbenchError(o.error);
        return true;
    }
    summary.countFailures(QStringLiteral("pgbench"), o.failed,
                          QStringLiteral("pgbench: %1 failed transactions").arg(o.failed));
    *outcome = o;
    return true;
}

} // namespace

qint64 ApiBenchmarkResult::rssGrowthSecondHalfBytes() const
{
    for (const auto &[requests, rss] : rssAlong) {
        if (requests * 2 >= mix.requests)
            return rssAfterMixBytes - rss;
    }
    return 0;
}

ApiBenchmark::ApiBenchmark(BenchServer &server, int secondsPerRound, int rounds, qint64 mixRequests)
    : m_server(server)
    , m_secondsPerRound(secondsPerRound)
    , m_rounds(rounds)
    , m_mixRequests(mixRequests)
{ }

bool ApiBenchmark::prepare(qint64 bookings, ApiBenchmarkResult *result, RunSummary &summary, QString *error)
{
    ApiBenchmarkResult &r = *result;
    return onOwnConnection(m_server, QStringLiteral("preparing the data set"), error, [&](QSqlDatabase &db) {
        m_set = AvailabilityDataset::generate(db, bookings, progress);
        r.bookings = m_set.bookings;
        r.futureDays = m_set.futureDays;
        r.generationSeconds = m_set.seconds;
        r.freeStarts = ApiWorkload::freeStarts(m_set);
        ApiWorkload::turnWriteLimitOff(db);
        const QList<ApiWorkload::Question> questions = ApiWorkload::questions(m_set);
        r.questions = int(questions.size());
        progress(QStringLiteral("tracing AvailabilityRepo::forDate for %1 questions").arg(questions.size()));
        QString why;
        m_availabilityScripts = ApiWorkload::availabilityScripts(db, questions, &why);
        if (!why.isEmpty())
            summary.setPgbenchError(why);
        return true;
    });
}

bool ApiBenchmark::coldStarts(ApiBenchmarkResult *result, RunSummary &summary, QString *error)
{
    progress(QStringLiteral("cold start: %1 starts to the first 200 on GET /api/services").arg(ColdStarts));
    for (int i = 0; i < ColdStarts; ++i) {
        ServerChild child;
        QString why;
        if (!child.start(m_server, {}, &why, QByteArrayLiteral("/api/services"))) {
            if (Interruption::requested(error))
                return false;
            summary.countFailures(QStringLiteral("cold_start"), 1, why);
            continue;
        }
        result->coldStartMs.append(child.startedToReadyMs());
        const int code = child.stop();
        if (code != 0)
            summary.countFailures(QStringLiteral("cold_start"), 1,
                                  QStringLiteral("carwash-server exited with %1 after SIGTERM").arg(code));
    }
    return true;
}

bool ApiBenchmark::measure(ServerChild &child, ApiBenchmarkResult *result, RunSummary &summary,
                           QString *error)
{
    return availabilityRounds(child, result, summary, error) && bookingRounds(child, result, summary, error)
        && mixRun(child, result, summary, error);
}

bool ApiBenchmark::availabilityRounds(ServerChild &child, ApiBenchmarkResult *result, RunSummary &summary,
                                      QString *error)
{
    ApiBenchmarkResult &r = *result;
    QStringList paths;
    for (const ApiWorkload::Question &q : ApiWorkload::questions(m_set))
        paths << q.path();
    const LuaFile lua(ApiWorkload::randomPathsScript(paths));
    if (!lua.ok()) {
        *error = QStringLiteral("cannot write the wrk script");
        return false;
    }
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(child.port());
    const PgbenchRunner pgbench(m_server, m_availabilityScripts);
    const qint64 logFrom = child.logSize();
    progress(
        QStringLiteral("availability: %1 rounds of wrk, pgbench (%2 s each, %3 connections / clients, %4 "
                       "questions)")
            .arg(m_rounds)
            .arg(m_secondsPerRound)
            .arg(Connections)
            .arg(paths.size()));
    for (int round = 0; round < m_rounds; ++round) {
        const WrkRunner::Outcome wrk = WrkRunner::run(url, Connections, m_secondsPerRound, lua.path());
        settle(child);
        if (Interruption::requested(error))
            return false;
        if (!counted(summary, QStringLiteral("availability"), QStringLiteral("GET /api/availability"), wrk))
            break;
        add(r.availabilityWrk, wrk);
        std::optional<PgbenchRunner::Outcome> o;
        if (!pgbenchSide(pgbench, Connections, m_secondsPerRound, summary, error, {}, &o))
            return false;
        std::optional<double> baseline;
        if (o) {
            r.availabilityPgbenchTransactions += o->transactions;
            baseline = o->tps;
        }
        r.availability.add(wrk.requestsPerSecond, baseline);
    }
    r.availabilityWrk.statuses = child.loggedStatuses(QStringLiteral("/api/availability"), logFrom);
    unexpected(summary, QStringLiteral("availability"), QStringLiteral("GET /api/availability"),
               r.availabilityWrk.statuses, {200});
    return true;
}

bool ApiBenchmark::bookingRounds(ServerChild &child, ApiBenchmarkResult *result, RunSummary &summary,
                                 QString *error)
{
    ApiBenchmarkResult &r = *result;
    BookingTransaction::Plan plan;
    plan.firstBayId = m_set.bayIds.first();
    plan.bayCount = int(m_set.bayIds.size());
    plan.firstServiceId = m_set.serviceIds.first();
    plan.serviceCount = int(m_set.serviceIds.size());
    plan.addonId = m_set.addonId;
    plan.firstDay = m_set.firstFreeDay();
    plan.lastDay = m_set.lastFreeDay();
    plan.customers = m_set.customers;
    plan.opensHour = AvailabilityDataset::OpensHour;
    plan.startSlots = (AvailabilityDataset::ClosesHour - AvailabilityDataset::OpensHour) * 4 - 2;
    const PgbenchRunner pgbench(m_server, BookingTransaction::pgbenchScript(plan));
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(child.port());
    const qint64 logFrom = child.logSize();

    qint64 made = 0;
    auto count = [&](qint64 (*counter)(QSqlDatabase &), void (*remove)(QSqlDatabase &)) {
        return onOwnConnection(m_server, QStringLiteral("counting bookings"), error, [&](QSqlDatabase &db) {
            made = counter(db);
            remove(db);
            return true;
        });
    };
    progress(
        QStringLiteral("bookings: %1 rounds of wrk POST /api/bookings, pgbench's booking transaction (%2 s "
                       "each, %3 connections / clients, bookings removed between)")
            .arg(m_rounds)
            .arg(m_secondsPerRound)
            .arg(Connections));
    const QString nonce = QUuid::createUuid().toString(QUuid::Id128).left(8);
    for (int round = 0; round < m_rounds; ++round) {
        const LuaFile lua(
            ApiWorkload::bookingScript(r.freeStarts, QStringLiteral("wrk-%1-%2").arg(nonce).arg(round)));
        if (!lua.ok()) {
            *error = QStringLiteral("cannot write the wrk script");
            return false;
        }
        const WrkRunner::Outcome wrk = WrkRunner::run(url, Connections, m_secondsPerRound, lua.path());
        settle(child);
        if (Interruption::requested(error))
            return false;
        if (!counted(summary, QStringLiteral("bookings"), QStringLiteral("POST /api/bookings"), wrk))
            break;
        add(r.bookingWrk, wrk);
        if (!count(ApiWorkload::onlineBookings, ApiWorkload::removeOnlineBookings))
            return false;
        r.serverBookingsMade.append(made);
        const double serverRate = wrk.seconds > 0 ? double(made) / wrk.seconds : 0;

        std::optional<PgbenchRunner::Outcome> o;
        if (!pgbenchSide(
                pgbench, Connections, m_secondsPerRound, summary, error,
                [&] { return count(ApiWorkload::benchBookings, BookingTransaction::removeRows); }, &o))
            return false;
        std::optional<double> baseline;
        if (o) {
            r.pgbenchBookingTransactions += o->transactions;
            r.pgbenchBookingsMade.append(made);
            baseline = double(made) / double(m_secondsPerRound);
        }
        r.booking.add(serverRate, baseline);
    }
    r.bookingWrk.statuses = child.loggedStatuses(QStringLiteral("/api/bookings"), logFrom, "POST");
    // 201 booked; 409 a start taken (only once the free starts ran out and
    // wrapped): reported, not failures. Anything else is.
    unexpected(summary, QStringLiteral("bookings"), QStringLiteral("POST /api/bookings"),
               r.bookingWrk.statuses, {201, 409});
    return onOwnConnection(m_server, QStringLiteral("counting what was left"), error, [&](QSqlDatabase &db) {
        r.onlineBookingsLeft = ApiWorkload::onlineBookings(db);
        r.benchBookingsLeft = ApiWorkload::benchBookings(db);
        return true;
    });
}

bool ApiBenchmark::mixRun(ServerChild &child, ApiBenchmarkResult *result, RunSummary &summary, QString *error)
{
    ApiBenchmarkResult &r = *result;
    // Ten requests in turn: 4 x the catalogue, 3 x one service, 2 x a day's
    // availability (the questions in turn), 1 x the next free time.
    const QList<ApiWorkload::Question> questions = ApiWorkload::questions(m_set);
    QStringList paths;
    for (int i = 0; i < int(questions.size()) * 5; ++i) {
        const qint64 service = m_set.serviceIds[i % m_set.serviceIds.size()];
        switch (i % 10) {
        case 0:
        case 2:
        case 5:
        case 7:
            paths << QStringLiteral("/api/services");
            break;
        case 1:
        case 4:
        case 8:
            paths << QStringLiteral("/api/services/%1").arg(service);
            break;
        case 3:
        case 6:
            paths << questions[(i / 5) % questions.size()].path();
            break;
        default:
            paths << QStringLiteral("/api/next?service=%1&vehicle=car").arg(service);
        }
    }
    r.mixText = QStringLiteral("GET in turn, of every 10: 4 /api/services, 3 /api/services/{id}, "
                               "2 /api/availability (the availability questions in turn), 1 /api/next");
    r.mixAsked = m_mixRequests;
    const LuaFile lua(ApiWorkload::rotatingPathsScript(paths));
    if (!lua.ok()) {
        *error = QStringLiteral("cannot write the wrk script");
        return false;
    }
    const qint64 logFrom = child.logSize();
    r.rssBeforeMixBytes = child.rssBytes();
    progress(QStringLiteral("RSS: %1 GETs of the API (%2 connections)").arg(m_mixRequests).arg(Connections));
    // wrk runs for a time, not a count: runs of up to 10 s, each as long as
    // the rate so far says the rest needs, until the count is reached.
    int seconds = 1;
    while (r.mix.requests < m_mixRequests) {
        const WrkRunner::Outcome wrk = WrkRunner::run(
            QStringLiteral("http://127.0.0.1:%1/").arg(child.port()), Connections, seconds, lua.path());
        if (Interruption::requested(error))
            return false;
        if (!counted(summary, QStringLiteral("mix"), QStringLiteral("GET mix"), wrk) || wrk.requests == 0)
            break;
        add(r.mix, wrk);
        ++r.mixRuns;
        r.rssAlong.append({r.mix.requests, child.rssBytes()});
        const double left = double(m_mixRequests - r.mix.requests) / std::max(1.0, wrk.requestsPerSecond);
        seconds = std::clamp(int(std::ceil(left)), 1, 10);
    }
    r.rssAfterMixBytes = child.rssBytes();
    r.mixSlowestServerMs = child.slowestLoggedMs(logFrom);
    for (const QString &path :
         {QStringLiteral("/api/services"), QStringLiteral("/api/availability"), QStringLiteral("/api/next")})
        r.mixStatuses.insert(path, child.loggedStatuses(path, logFrom));
    QMap<int, qint64> byId;
    for (const qint64 service : m_set.serviceIds) {
        const QMap<int, qint64> one
            = child.loggedStatuses(QStringLiteral("/api/services/%1").arg(service), logFrom);
        for (auto it = one.begin(); it != one.end(); ++it)
            byId[it.key()] += it.value();
    }
    r.mixStatuses.insert(QStringLiteral("/api/services/{id}"), byId);
    for (auto it = r.mixStatuses.begin(); it != r.mixStatuses.end(); ++it)
        unexpected(summary, QStringLiteral("mix"), QStringLiteral("GET ") + it.key(), it.value(), {200});
    return true;
}
