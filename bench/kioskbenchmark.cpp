#include "bench/kioskbenchmark.h"

#include "bench/benchserver.h"
#include "bench/connectionwatcher.h"
#include "bench/guistallmeter.h"
#include "bench/interruption.h"
#include "bench/progress.h"
#include "bench/serverchild.h"
#include "db/health/systemmemory.h"
#include "db/kiosk/kioskrepo.h"
#include "db/notify/bookingchangelistener.h"
#include "db/pool/connectionpool.h"
#include "db/pool/dberror.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "tests/harness/fakestripe.h"
#include "tests/harness/kioskdriver.h"
#include "ui/kiosk/donescreen.h"
#include "ui/kiosk/payscreen.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QSqlError>
#include <QTest>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <memory>

using Bench::progress;

namespace {

const QString Secret = QStringLiteral("whsec_carwash_bench_kiosk_0123456789");
const QString KioskName = QStringLiteral("bench-kiosk");

// A zone where it is around midday now (Etc/GMT-N is N hours east of UTC),
// so today has half a day of free times whenever the benchmark runs; the
// kiosk's next free time carries on into the next days once they are taken.
QString middayZone()
{
    const int utcHour = QDateTime::currentDateTimeUtc().time().hour();
    const int east = std::clamp(12 - utcHour, -12, 14);
    if (east == 0)
        return QStringLiteral("Etc/GMT");
    return QStringLiteral("Etc/GMT%1%2")
        .arg(east > 0 ? QStringLiteral("-") : QStringLiteral("+"))
        .arg(std::abs(east));
}

// The site the kiosk's tests use (tests/bookingenginefixture.cpp,
// tests/kioskfixture.cpp), with Bays lanes for the wash: open all day, a
// 20-minute wash priced per vehicle, an add-on, a detail bay; the kiosk with
// the reader as its way to pay, and that reader assigned to it.
void seed(QSqlDatabase &db, const QString &readerId)
{
    Sql::exec(db,
              QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'site.%' OR key LIKE 'booking.%'"));
    Sql::exec(db,
              QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('site.timezone', ?), "
                             "('booking.slot_minutes', '15'), ('booking.buffer_minutes', '5'), "
                             "('booking.min_notice_minutes', '0'), ('booking.horizon_days', '60'), "
                             "('booking.hold_minutes', '10')"),
              {middayZone()});
    auto id = [&db](const QString &statement, const QVariantList &binds) {
        return Sql::scalar(db, statement, binds).toLongLong();
    };
    const QString service
        = QStringLiteral("INSERT INTO services (name, duration_minutes) VALUES (?, ?) RETURNING id");
    const qint64 wash = id(service, {QStringLiteral("Wash"), 20});
    const qint64 detail = id(service, {QStringLiteral("Detail"), 60});
    Sql::exec(db,
              QStringLiteral("INSERT INTO service_prices (service_id, vehicle_class, price_cents) VALUES "
                             "(?, 'car', 1000), (?, 'suv', 1500), (?, 'car', 5000), (?, 'suv', 6000), "
                             "(?, 'truck', 7000)"),
              {wash, wash, detail, detail, detail});
    const qint64 wax = id(QStringLiteral("INSERT INTO addons (name, price_cents, extra_minutes) VALUES "
                                         "('Wax', 500, 10) RETURNING id"),
                          {});
    Sql::exec(db, QStringLiteral("INSERT INTO service_addons VALUES (?, ?)"), {wash, wax});
    const QString bay = QStringLiteral(
        "INSERT INTO bays (name, kind, sort_order, active) VALUES (?, ?, ?, true) RETURNING id");
    for (int lane = 1; lane <= KioskBenchmark::Bays; ++lane) {
        const qint64 bayId = id(bay, {QStringLiteral("Lane %1").arg(lane), QStringLiteral("tunnel"), lane});
        Sql::exec(db, QStringLiteral("INSERT INTO bay_services VALUES (?, ?)"), {bayId, wash});
    }
    const qint64 detailBay = id(bay, {QStringLiteral("Detail Bay"), QStringLiteral("detail"), 100});
    Sql::exec(db, QStringLiteral("INSERT INTO bay_services VALUES (?, ?)"), {detailBay, detail});
    Sql::exec(db, QStringLiteral("DELETE FROM opening_hours"));
    for (int weekday = 1; weekday <= 7; ++weekday)
        Sql::exec(db, QStringLiteral("INSERT INTO opening_hours VALUES (?, '00:00', '23:45')"), {weekday});
    Sql::exec(db,
              QStringLiteral("INSERT INTO kiosks (name, language, methods, updated_by) "
                             "VALUES (?, 'en', '{reader}', 'carwash-bench')"),
              {KioskName});
    Sql::exec(db,
              QStringLiteral("INSERT INTO card_readers (id, label, assigned_kind, assigned_to) "
                             "VALUES (?, 'Bench kiosk reader', 'kiosk', ?)"),
              {readerId, KioskName});
}

// The 1-minute load average; -1 when /proc/loadavg cannot be read.
double loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    bool ok = false;
    const double load = file.readLine().split(' ').value(0).toDouble(&ok);
    return ok ? load : -1;
}

// The Stripe settings pointing carwash-server at the fake.
QProcessEnvironment stripeEnvironment(const FakeStripe &stripe)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("STRIPE_SECRET_KEY"), FakeStripe::secretKey());
    env.insert(QStringLiteral("STRIPE_WEBHOOK_SECRET"), Secret);
    env.insert(QStringLiteral("STRIPE_API_BASE"), stripe.apiBase().toString());
    return env;
}

// One customer from Attract to Done and back, on the reader: false with
// the driver's failure when a step failed.
bool flow(KioskWindow &kiosk, KioskDriver &driver, FakeStripe &stripe, const QString &readerId,
          const QString &plate)
{
    const int timeout = KioskBenchmark::StepTimeoutMs;
    if (!driver.toPlate(kiosk, timeout) || !driver.enterPlate(kiosk, plate))
        return false;
    PayScreen *pay = kiosk.payScreen();
    // The hold made and the reader collecting (carwash-server asked Stripe).
    if (!driver.waitFor(
            [&] {
                return kiosk.screen() != KioskWindow::Screen::Pay || pay->stage() == PayScreen::Stage::Failed
                    || (pay->stage() == PayScreen::Stage::OnReader
                        && pay->progress().state() == CardPaymentProgress::State::Waiting);
            },
            timeout, QStringLiteral("the reader waiting for a card")))
        return false;
    if (kiosk.screen() != KioskWindow::Screen::Pay || pay->stage() != PayScreen::Stage::OnReader)
        return driver.fail(kiosk, QStringLiteral("no reader collecting: \"%1\"").arg(pay->stateText()));
    if (!stripe.presentCard(readerId))
        return driver.fail(kiosk,
                           QStringLiteral("the fake reader refused the card: %1").arg(stripe.lastError()));
    if (!driver.waitForScreen(kiosk, KioskWindow::Screen::Done, timeout))
        return false;
    return driver.tap(kiosk.doneScreen()->finishButton()) && driver.waitForAttract(kiosk, timeout);
}

} // namespace

int KioskBenchmark::warmUpFor(int flows)
{
    return std::clamp(flows / 10, 1, 20);
}

KioskBenchmark::KioskBenchmark(BenchServer &server, int flows)
    : m_server(server)
    , m_flows(flows)
{ }

bool KioskBenchmark::run(KioskBenchmarkResult *result, QString *error)
{
    KioskBenchmarkResult &r = *result;
    RunSummary &summary = r.run;
    r.serverDescription = m_server.description();
    r.kioskName = KioskName;
    r.bays = Bays;
    r.flowsAsked = m_flows;
    r.cpus = QThread::idealThreadCount();
    r.warmUpFlows = std::min(warmUpFor(m_flows), m_flows);
    summary.declareSide(QStringLiteral("flows"));
    summary.declareSide(QStringLiteral("database"));
    summary.declareSide(QStringLiteral("server"));
    summary.setClients(QStringLiteral("kiosks"), 1);

    FakeStripe stripe;
    progress(QStringLiteral("starting the fake Stripe (node)"));
    if (!stripe.start(error))
        return false;
    r.readerId = stripe.registerReader(QStringLiteral("Bench kiosk reader"));
    if (r.readerId.isEmpty()) {
        *error = QStringLiteral("no reader at the fake Stripe: ") + stripe.lastError();
        return false;
    }

    const QString connectionName = QStringLiteral("carwash-bench-kiosk-seed");
    QSqlDatabase db = m_server.addConnection(connectionName, QStringLiteral("carwash-bench"));
    if (!db.open()) {
        *error = QStringLiteral("cannot connect: ") + db.lastError().text();
        return false;
    }
    const auto closeSeed = qScopeGuard([&db, connectionName] {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connectionName);
    });
    progress(QStringLiteral("migrating, seeding a site with %1 lanes and the kiosk %2 with its reader")
                 .arg(Bays)
                 .arg(KioskName));
    try {
        Migrator::migrate(db);
        seed(db, r.readerId);
    } catch (const DbException &e) {
        *error = QStringLiteral("seeding: ") + e.error().toLogString();
        return false;
    }

    ServerChild child;
    progress(QStringLiteral("starting %1").arg(ServerChild::programPath()));
    if (!child.start(m_server, stripeEnvironment(stripe), error))
        return false;
    if (!stripe.configureWebhook(QUrl(QStringLiteral("http://127.0.0.1:%1/stripe/webhook").arg(child.port())),
                                 {Secret})) {
        *error = QStringLiteral("the fake Stripe's webhook: ") + stripe.lastError();
        return false;
    }

    DatabaseConfig config = m_server.config();
    config.applicationName = ApplicationName;
    r.poolLimit = config.maxConnections;
    summary.setClients(QStringLiteral("kiosk_pool_connections"), r.poolLimit);
    ConnectionWatcher poolWatcher(m_server, ApplicationName);
    ConnectionWatcher listenerWatcher(m_server,
                                      ApplicationName + BookingChangeListener::applicationNameSuffix());
    if (!poolWatcher.start(error) || !listenerWatcher.start(error))
        return false;

    {
        auto pool = std::make_unique<ConnectionPool>(config);
        auto kiosk = std::make_unique<KioskWindow>(KioskName);
        kiosk->resize(1080, 1920);
        kiosk->show();
        kiosk->databaseReady(*pool, config);
        KioskDriver driver;
        if (!driver.waitForAttract(*kiosk, StepTimeoutMs)) {
            *error = QStringLiteral("the kiosk did not start: ") + driver.failure();
            return false;
        }
        progress(
            QStringLiteral("%1 flows (%2 to warm up): first wash, car, next free time, a 7-character plate, "
                           "the reader")
                .arg(m_flows)
                .arg(r.warmUpFlows));
        auto stall = std::make_unique<GuiStallMeter>();
        KioskWindow *shown = kiosk.get();
        stall->attribute(TargetStallMs, [shown] { return KioskDriver::screenName(shown->screen()); });
        stall->start();
        QElapsedTimer measured;
        int inARow = 0;
        for (int n = 1; n <= m_flows; ++n) {
            if (Interruption::requested(error))
                return false;
            driver.resetTouches();
            // Seven characters, a new plate each flow: KB00001, KB00002, ...
            const QString plate = QStringLiteral("KB%1").arg(n, 5, 10, QLatin1Char('0'));
            if (flow(*kiosk, driver, stripe, r.readerId, plate)) {
                inARow = 0;
                ++r.flowsCompleted;
                if (n > r.warmUpFlows)
                    ++r.measuredFlowsCompleted;
                r.minTouches
                    = r.flowsCompleted == 1 ? driver.touches() : std::min(r.minTouches, driver.touches());
                r.maxTouches = std::max(r.maxTouches, driver.touches());
            } else {
                ++r.failureCount;
                ++inARow;
                if (r.failures.size() < MaxListedFailures)
                    r.failures.append({n, driver.failureScreen(), driver.failureReason()});
                summary.countFailures(QStringLiteral("flows"), 1,
                                      QStringLiteral("flow %1: %2").arg(n).arg(driver.failure()));
                // As the idle reset does: the next customer finds the attract screen.
                kiosk->startOver();
                if (inARow >= MaxFailuresInARow || !driver.waitForAttract(*kiosk, StepTimeoutMs)) {
                    r.stoppedEarly = inARow >= MaxFailuresInARow
                        ? QStringLiteral("%1 flows failed in a row").arg(inARow)
                        : QStringLiteral("after flow %1 the kiosk did not return to the attract screen: %2")
                              .arg(n)
                              .arg(driver.failure());
                    progress(QStringLiteral("stopped early: ") + r.stoppedEarly);
                    break;
                }
            }
            if (n == r.warmUpFlows) {
                r.warmUpStallMaxMs = stall->maxMs();
                r.rssAfterWarmUpBytes = SystemMemory::processRssBytes();
                r.loadAfterWarmUp = loadAverage();
                r.poolConnectionsAfterWarmUp = poolWatcher.current();
                r.listenerConnectionsAfterWarmUp = listenerWatcher.current();
                stall->start();
                measured.start();
            }
            if (n % 50 == 0)
                progress(QStringLiteral("%1 of %2 flows, %3 failed").arg(n).arg(m_flows).arg(r.failureCount));
        }
        r.measuredSeconds = measured.isValid() ? measured.elapsed() / 1000.0 : 0;
        stall->stop();
        r.stallMaxMs = stall->maxMs();
        r.stallP99Ms = stall->percentileMs(0.99);
        r.stallTicks = stall->ticks();
        r.stallsOverTarget = stall->over(TargetStallMs);
        r.stallsOverTargetByScreen = stall->attributedCounts();
        r.stallMaxMsByScreen = stall->attributedMaxMs();
        r.rssEndBytes = SystemMemory::processRssBytes();
        r.loadAtEnd = loadAverage();
        r.poolConnectionsEnd = poolWatcher.current();
        r.listenerConnectionsEnd = listenerWatcher.current();
        r.poolConnectionsMax = poolWatcher.maximum();

        progress(QStringLiteral("closing the kiosk"));
        kiosk->close();
        BookingChangeListener *listener = kiosk->bookingListener();
        driver.waitFor([listener] { return !listener || !listener->isRunning(); }, StepTimeoutMs,
                       QStringLiteral("the kiosk's listener stopped"));
        kiosk.reset();
        pool.reset();
    }
    summary.setConnectionsAfterShutdown(poolWatcher.settledCount() + listenerWatcher.settledCount());
    poolWatcher.stop();
    listenerWatcher.stop();

    try {
        const QString actor = KioskRepo::actorFor(KioskName);
        auto count = [&db, &actor](const QString &statement) {
            return Sql::scalar(db, statement, {actor}).toLongLong();
        };
        r.bookingsConfirmed = count(
            QStringLiteral("SELECT count(*) FROM bookings WHERE created_by = ? AND status = 'confirmed'"));
        r.bookingsHeld
            = count(QStringLiteral("SELECT count(*) FROM bookings WHERE created_by = ? AND status = 'held'"));
        r.paymentsSucceeded
            = count(QStringLiteral("SELECT count(*) FROM payments p JOIN bookings b ON b.id = p.booking_id "
                                   "WHERE b.created_by = ? AND p.status = 'succeeded'"));
        r.paymentsOpen
            = count(QStringLiteral("SELECT count(*) FROM payments p JOIN bookings b ON b.id = p.booking_id "
                                   "WHERE b.created_by = ? AND p.status IN ('pending', 'processing')"));
    } catch (const DbException &e) {
        *error = QStringLiteral("counting the kiosk's bookings: ") + e.error().toLogString();
        return false;
    }
    // Every completed flow is one confirmed, paid booking; nothing else stays held or open.
    if (r.bookingsConfirmed != r.flowsCompleted || r.paymentsSucceeded != r.flowsCompleted)
        summary.countFailures(
            QStringLiteral("database"), 1,
            QStringLiteral("%1 flows completed, but %2 bookings confirmed and %3 payments succeeded")
                .arg(r.flowsCompleted)
                .arg(r.bookingsConfirmed)
                .arg(r.paymentsSucceeded));
    if (r.bookingsHeld > 0 || r.paymentsOpen > 0)
        summary.countFailures(QStringLiteral("database"), 1,
                              QStringLiteral("left behind: %1 bookings held, %2 card payments open")
                                  .arg(r.bookingsHeld)
                                  .arg(r.paymentsOpen));

    progress(QStringLiteral("stopping carwash-server"));
    r.serverExitCode = child.stop();
    if (r.serverExitCode != 0)
        summary.countFailures(
            QStringLiteral("server"), 1,
            QStringLiteral("carwash-server exited with %1 after SIGTERM").arg(r.serverExitCode));
    stripe.stop();
    return true;
}
