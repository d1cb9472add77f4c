// "Today" is the site's day in the site's time zone, whatever the zone of
// the computer the desk runs on: the day board, the Today page, the
// closures tab and the demo day, each run in a process whose own zone
// (TZ) is Pacific/Pago_Pago (UTC-11) for a site in Pacific/Kiritimati
// (UTC+14). Twenty-five hours apart, the two dates differ at every moment,
// so each check below would see the computer's date if it leaked in.
#include "db/demo/demoday.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "models/desk/dayboardmodel.h"
#include "tests/harness/deskfixture.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/dayboardpage.h"
#include "ui/desk/todaypage.h"
#include "ui/manager/closurespage.h"

#include <QDateEdit>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>
#include <QTreeWidget>

#include <ctime>
#include <memory>

using namespace DeskTest;

namespace {

const QByteArray SiteZone = QByteArrayLiteral("Pacific/Kiritimati");
const QByteArray DeskZone = QByteArrayLiteral("Pacific/Pago_Pago");

void setProcessZone(const QByteArray &zone)
{
    if (zone.isEmpty())
        qunsetenv("TZ");
    else
        qputenv("TZ", zone);
    tzset();
}

} // namespace

class TestSiteToday : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void theBoardOpensOnTheSitesToday();
    void theTodayPageShowsTheSitesDate();
    void closuresArePastAndOfferedByTheSitesToday();
    void theDemoDayIsTheSitesToday();

private:
    QDate siteDate(const QDateTime &instant) const { return instant.toTimeZone(m_siteZone).date(); }
    QDate deskDate(const QDateTime &instant) const { return instant.toLocalTime().date(); }

    DeskTestSite m_site;
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<ErrorBanner> m_banner;
    QTimeZone m_siteZone;
    QByteArray m_savedZone;
    bool m_hadZone = false;
    // One moment for the whole test, so no midnight can pass between what
    // a screen shows and what the test expects.
    QDateTime m_now;
};

void TestSiteToday::initTestCase()
{
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_sitetoday"), &error), qPrintable(error));
    m_site.cluster().queryBlocking(
        QStringLiteral("UPDATE site_settings SET value = '%1' WHERE key = 'site.timezone'")
            .arg(QString::fromLatin1(SiteZone)));
    QCOMPARE(m_site.cluster()
                 .queryBlocking(QStringLiteral("SELECT value FROM site_settings WHERE key = 'site.timezone'"))
                 .toString(),
             QString::fromLatin1(SiteZone));
    m_siteZone = QTimeZone(SiteZone);
    QVERIFY(m_siteZone.isValid());

    m_hadZone = qEnvironmentVariableIsSet("TZ");
    m_savedZone = qgetenv("TZ");
    setProcessZone(DeskZone);
    m_now = QDateTime::currentDateTimeUtc();
    // The desk's own zone really is another: its date is not the site's.
    QCOMPARE(m_now.toLocalTime().offsetFromUtc(), -11 * 3600);
    QVERIFY(deskDate(m_now) != siteDate(m_now));

    m_pool = std::make_unique<ConnectionPool>(m_site.config());
    m_banner = std::make_unique<ErrorBanner>();
}

void TestSiteToday::cleanupTestCase()
{
    m_banner.reset();
    m_pool.reset();
    setProcessZone(m_hadZone ? m_savedZone : QByteArray());
}

void TestSiteToday::theBoardOpensOnTheSitesToday()
{
    DayBoardPage page(*m_pool, *m_banner);
    page.setClock([now = m_now] { return now; });
    QSignalSpy dates(&page.model(), &DayBoardModel::dateChanged);
    page.startUpdating();
    QTRY_COMPARE_WITH_TIMEOUT(page.date(), siteDate(m_now), kNoHangMs);
    QTRY_VERIFY_WITH_TIMEOUT(!page.model().isLoading() && page.model().loadedAt().isValid(), kNoHangMs);
    QCOMPARE(page.model().day().date, siteDate(m_now));
    // Never the computer's date, not even for a first load.
    for (const QList<QVariant> &changed : std::as_const(dates))
        QCOMPARE(changed.at(0).toDate(), siteDate(m_now));

    // "Today" again, once the zone is known: still the site's.
    page.setDate(siteDate(m_now).addDays(3));
    page.showToday();
    QCOMPARE(page.date(), siteDate(m_now));
    page.stopUpdating();
}

void TestSiteToday::theTodayPageShowsTheSitesDate()
{
    TodayPage page(*m_pool, *m_banner);
    page.setClock([now = m_now] { return now; });
    QSignalSpy loaded(&page, &TodayPage::loaded);
    page.reload();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kNoHangMs);
    QCOMPARE(page.shownDate(), siteDate(m_now));
    const QString text = page.findChild<QLabel *>(QStringLiteral("todayDate"))->text();
    const QLocale locale = DisplayLocale::get();
    QVERIFY2(text.contains(locale.toString(siteDate(m_now), QLocale::LongFormat)), qPrintable(text));
    QVERIFY2(!text.contains(locale.toString(deskDate(m_now), QLocale::LongFormat)), qPrintable(text));
}

void TestSiteToday::closuresArePastAndOfferedByTheSitesToday()
{
    // Yesterday at the site is the computer's today (or, from 10:00 to
    // 11:00 UTC, when the two zones are 25 hours and two dates apart, its
    // tomorrow): past for the site, not by the computer's date.
    const QDate today = siteDate(m_now);
    QVERIFY2(deskDate(m_now) <= today.addDays(-1), qPrintable(deskDate(m_now).toString(Qt::ISODate)));
    m_site.cluster().queryBlocking(
        QStringLiteral(
            "INSERT INTO closures (starts_on, ends_on, reason) VALUES ('%1', '%1', 'Site yesterday'), "
            "('%2', '%2', 'Site today')")
            .arg(today.addDays(-1).toString(Qt::ISODate), today.toString(Qt::ISODate)));

    ClosuresPage page(*m_pool, StaffMember(), *m_banner);
    page.setClock([now = m_now] { return now; });
    QSignalSpy loaded(&page, &ClosuresPage::loaded);
    page.reload();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kNoHangMs);
    QCOMPARE(page.siteToday(), today);
    // A new closure is offered from the site's today.
    QCOMPARE(page.findChild<QDateEdit *>(QStringLiteral("closureFrom"))->date(), today);
    QCOMPARE(page.findChild<QDateEdit *>(QStringLiteral("closureTo"))->date(), today);

    auto *list = page.findChild<QTreeWidget *>(QStringLiteral("closureList"));
    QStringList past;
    QStringList coming;
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = list->topLevelItem(i);
        (item->toolTip(2).isEmpty() ? coming : past) << item->text(2);
    }
    QVERIFY2(past.contains(QStringLiteral("Site yesterday")), qPrintable(past.join(u',')));
    QVERIFY2(coming.contains(QStringLiteral("Site today")), qPrintable(coming.join(u',')));
}

void TestSiteToday::theDemoDayIsTheSitesToday()
{
    // In a unit of work, as the desk's tools call it.
    auto filled = await(m_pool->withConnection(QStringLiteral("demo day"), [now = m_now](QSqlDatabase &db) {
        return DemoDay::fill(db, QDate(), now);
    }));
    QVERIFY2(filled.ok(), qPrintable(filled.error().toLogString()));
    QCOMPARE(filled.value().date, siteDate(m_now));

    // And carwash-admin seed --demo-day without a date, run in the desk's
    // zone: the site's today by the real clock (either side of a midnight
    // that might pass meanwhile), never the computer's.
    const QDateTime before = QDateTime::currentDateTimeUtc();
    QProcess admin;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TZ"), QString::fromLatin1(DeskZone));
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("%1?connect_timeout=5&pool_timeout=20").arg(m_site.cluster().url()));
    admin.setProcessEnvironment(env);
    admin.start(QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin")),
                {QStringLiteral("seed"), QStringLiteral("--demo-day"), QStringLiteral("--json")});
    QVERIFY(admin.waitForFinished(kNoHangMs));
    const QDateTime after = QDateTime::currentDateTimeUtc();
    const QByteArray out = admin.readAllStandardOutput();
    QVERIFY2(admin.exitCode() == 0, out.constData());
    const QDate seeded = QDate::fromString(
        QJsonDocument::fromJson(out).object().value(u"demo_day").toObject().value(u"date").toString(),
        Qt::ISODate);
    QVERIFY2(seeded == siteDate(before) || seeded == siteDate(after), out.constData());
    QVERIFY2(seeded != deskDate(before) && seeded != deskDate(after), out.constData());
}

QTEST_MAIN(TestSiteToday)
#include "tst_sitetoday.moc"
