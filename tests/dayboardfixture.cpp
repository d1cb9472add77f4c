#include "tests/dayboardfixture.h"

#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/text/isotime.h"
#include "models/desk/dayboardmodel.h"
#include "ui/common/databasehealthwatcher.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QSettings>
#include <QTest>

using namespace DeskTest;

namespace {

QString adminPath()
{
    return QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin"));
}

} // namespace

void DayBoardFixture::startSite(const QString &testName)
{
    QVERIFY2(QFileInfo::exists(adminPath()), qPrintable(adminPath()));
    QString error;
    QVERIFY2(m_site.start(testName, &error), qPrintable(error));
    m_setup = std::make_unique<ConnectionPool>(m_site.config(QStringLiteral("setup")));
    auto services
        = run(QStringLiteral("services"), [](QSqlDatabase &db) { return ServiceRepo(db).all(true); });
    QVERIFY2(services.ok(), describe(services).constData());
    m_services = services.value();
    QVERIFY(m_services.size() >= 4);
}

void DayBoardFixture::openBoardPool()
{
    QSettings settings;
    settings.clear();
    settings.setValue(DatabaseHealthWatcher::settingsKey(), 0.2);
    if (!m_cluster.isRunning())
        QVERIFY(m_cluster.start());
    m_pool = std::make_unique<ConnectionPool>(m_site.config());
    m_banner = std::make_unique<ErrorBanner>();
}

void DayBoardFixture::closeBoard()
{
    m_window.reset();
    m_banner.reset();
    m_pool.reset();
}

QDate DayBoardFixture::bookableDay(int n)
{
    int found = 0;
    for (int ahead = 3; ahead < 50; ++ahead) {
        const QDate day = QDate::currentDate().addDays(ahead);
        if (freeSlots(m_services.first(), day).size() >= 20 && found++ == n)
            return day;
    }
    return {};
}

QList<PlannedSlot> DayBoardFixture::freeSlots(const Service &service, const QDate &day)
{
    AvailabilityRequest request;
    request.serviceId = service.id;
    auto starts = run(QStringLiteral("starts"), [request, day](QSqlDatabase &db) {
        return AvailabilityRepo(db).forDate(request, day);
    });
    return starts.ok() ? starts.value() : QList<PlannedSlot>();
}

Booking DayBoardFixture::book(const Service &service, const QDate &day, int slotIndex, const QString &plate)
{
    const QList<PlannedSlot> starts = freeSlots(service, day);
    if (slotIndex >= starts.size())
        return {};
    BookingRequest request;
    request.slot.serviceId = service.id;
    request.start = starts.at(slotIndex).start;
    request.plate = plate;
    request.name = QStringLiteral("Board Test");
    request.actor = QStringLiteral("test");
    auto outcome = run(QStringLiteral("book"),
                       [request](QSqlDatabase &db) { return BookingRepo(db).create(request); });
    if (!outcome.ok() || !outcome.value().isBooked())
        return {};
    return outcome.value().booking;
}

QJsonObject DayBoardFixture::admin(const QStringList &args)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("%1?connect_timeout=5&pool_timeout=20").arg(m_cluster.url()));
    process.setProcessEnvironment(env);
    process.start(adminPath(), args);
    // Waited for with the event loop turning, so the board keeps updating.
    QElapsedTimer timer;
    timer.start();
    while (process.state() != QProcess::NotRunning && timer.elapsed() < kNoHangMs)
        QTest::qWait(10);
    const QByteArray out = process.readAllStandardOutput();
    if (process.exitCode() != 0)
        qWarning("carwash-admin %s: %s %s", qPrintable(args.join(u' ')), out.constData(),
                 process.readAllStandardError().constData());
    return QJsonDocument::fromJson(out).object();
}

QStringList DayBoardFixture::bookArgs(const Service &service, const QDateTime &start, const QString &plate)
{
    return {QStringLiteral("book"),
            QStringLiteral("--service"),
            QString::number(service.id),
            QStringLiteral("--start"),
            IsoTime::format(start),
            QStringLiteral("--plate"),
            plate,
            QStringLiteral("--name"),
            QStringLiteral("Walk In"),
            QStringLiteral("--json")};
}

std::unique_ptr<DayBoardPage> DayBoardFixture::makePage()
{
    auto page = std::make_unique<DayBoardPage>(*m_pool, *m_banner);
    page->resize(1200, 600);
    page->show();
    return page;
}

bool DayBoardFixture::waitLoaded(DayBoardPage &page)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kNoHangMs) {
        if (!page.model().isLoading() && page.model().loadedAt().isValid()
            && page.model().day().date == page.date())
            return true;
        QTest::qWait(10);
    }
    return false;
}

QString DayBoardFixture::sqlDayCondition(const QDate &day) const
{
    return QStringLiteral("(starts_at AT TIME ZONE (SELECT value FROM site_settings WHERE key = "
                          "'site.timezone'))::date = '%1'")
        .arg(day.toString(Qt::ISODate));
}
