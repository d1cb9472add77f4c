// The way out of the kiosk: the manager PIN pad over the window, checked by
// StaffRepo on a real PostgreSQL as the desk's sign-in is. Only a manager
// unlocks; a staff member's PIN does not, a wrong one says so, five wrong
// ones lock as at the desk, every attempt is in the audit log; Cancel and
// 30 s untouched (made short here) close it.
#include "app/startup/translations.h"
#include "db/pool/connectionpool.h"
#include "db/schema/migrator.h"
#include "db/staff/pinhash.h"
#include "db/staff/staffrepo.h"
#include "tests/harness/pgtestcluster.h"
#include "ui/kiosk/kioskmetrics.h"
#include "ui/kiosk/kioskstyle.h"
#include "ui/kiosk/managerpinoverlay.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

constexpr int DbTimeoutMs = 30000;

} // namespace

class TestManagerPinOverlay : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void onlyManagersAreOfferedAndTheirPinUnlocks();
    void theOnlyManagerIsChosenAlready();
    void aStaffMembersPinDoesNotUnlock();
    void aWrongPinSaysSoAndFiveLockTheManagerOut();
    void aShortPinOrNoNameIsAskedFor();
    void cancelClosesItAndForgetsThePin();
    void untouchedItClosesItself();
    void theKeysAreTouchTargets();
    void theDatabaseAwaySaysSoAndTryingAgainRecovers();

private:
    qint64 addPerson(const QString &name, const QString &role, const QString &pin);
    QVariant sql(const QString &text) { return m_cluster.queryBlocking(text); }
    int audits(const QString &action, qint64 staffId);
    QList<QPushButton *> names() const;
    QPushButton *nameButton(const QString &name) const;
    void type(const QString &pin);
    QPushButton *button(const QString &objectName) const
    {
        return m_overlay->findChild<QPushButton *>(objectName);
    }
    QString dots() const { return m_overlay->findChild<QLabel *>(QStringLiteral("pinDots"))->text(); }

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<QWidget> m_window;
    ManagerPinOverlay *m_overlay = nullptr;
    qint64 m_morgan = 0; // manager, PIN 2468
    qint64 m_alex = 0; // manager, PIN 1357
    qint64 m_sam = 0; // staff, PIN 1234
};

void TestManagerPinOverlay::initTestCase()
{
    Translations::install(*QCoreApplication::instance());
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_managerpinoverlay"));
    config.maxConnections = 3;
    m_pool = std::make_unique<ConnectionPool>(config);
    auto migrated = m_pool
                        ->withRetry(QStringLiteral("test.migrate"), RetryPolicy::critical(),
                                    [](QSqlDatabase &db) { return Migrator::migrate(db); })
                        .result();
    QVERIFY2(migrated.ok(), qPrintable(migrated.ok() ? QString() : migrated.error().toLogString()));
}

void TestManagerPinOverlay::init()
{
    sql(QStringLiteral("DELETE FROM audit_log WHERE entity = 'staff'"));
    sql(QStringLiteral("DELETE FROM staff"));
    m_morgan = addPerson(QStringLiteral("Morgan"), QStringLiteral("manager"), QStringLiteral("2468"));
    m_alex = addPerson(QStringLiteral("Alex"), QStringLiteral("manager"), QStringLiteral("1357"));
    m_sam = addPerson(QStringLiteral("Sam"), QStringLiteral("staff"), QStringLiteral("1234"));

    m_window = std::make_unique<QWidget>();
    m_window->resize(1080, 1920);
    m_overlay = new ManagerPinOverlay(*m_pool, m_window.get());
    KioskStyle::apply(m_window.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestManagerPinOverlay::cleanup()
{
    m_window.reset();
}

qint64 TestManagerPinOverlay::addPerson(const QString &name, const QString &role, const QString &pin)
{
    return sql(QStringLiteral(
                   "INSERT INTO staff (name, role, pin_hash) VALUES ('%1', '%2', '%3') RETURNING id")
                   .arg(name, role, PinHash::hash(pin)))
        .toLongLong();
}

int TestManagerPinOverlay::audits(const QString &action, qint64 staffId)
{
    return sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = '%1' AND entity = 'staff' "
                              "AND entity_id = '%2'")
                   .arg(action)
                   .arg(staffId))
        .toInt();
}

QList<QPushButton *> TestManagerPinOverlay::names() const
{
    return m_overlay->findChildren<QPushButton *>(QStringLiteral("managerName"));
}

QPushButton *TestManagerPinOverlay::nameButton(const QString &name) const
{
    for (QPushButton *button : names()) {
        if (button->text() == name)
            return button;
    }
    return nullptr;
}

void TestManagerPinOverlay::type(const QString &pin)
{
    for (const QChar digit : pin)
        QTest::mouseClick(button(QStringLiteral("pinKey%1").arg(digit)), Qt::LeftButton);
}

void TestManagerPinOverlay::onlyManagersAreOfferedAndTheirPinUnlocks()
{
    QSignalSpy unlocked(m_overlay, &ManagerPinOverlay::unlocked);
    QSignalSpy cancelled(m_overlay, &ManagerPinOverlay::cancelled);
    m_overlay->open();
    QVERIFY(m_overlay->isVisible());
    QCOMPARE(m_overlay->geometry(), m_window->rect());
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 2, DbTimeoutMs);
    QVERIFY(nameButton(QStringLiteral("Morgan")));
    QVERIFY(nameButton(QStringLiteral("Alex")));
    QVERIFY(!nameButton(QStringLiteral("Sam")));

    QTest::mouseClick(nameButton(QStringLiteral("Morgan")), Qt::LeftButton);
    type(QStringLiteral("2468"));
    // Dots, never the digits.
    QCOMPARE(dots(), QString(4, QChar(0x25CF)));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(unlocked.count(), 1, DbTimeoutMs);
    const auto manager = unlocked.first().first().value<StaffMember>();
    QCOMPARE(manager.id, m_morgan);
    QCOMPARE(manager.name, QStringLiteral("Morgan"));
    QVERIFY(manager.isManager());
    QVERIFY(!m_overlay->isVisible());
    QCOMPARE(cancelled.count(), 0);
    QCOMPARE(dots(), QString());
    QCOMPARE(audits(QStringLiteral("staff.sign_in"), m_morgan), 1);
}

void TestManagerPinOverlay::theOnlyManagerIsChosenAlready()
{
    sql(QStringLiteral("UPDATE staff SET active = false WHERE id = %1").arg(m_alex));
    QSignalSpy unlocked(m_overlay, &ManagerPinOverlay::unlocked);
    m_overlay->open();
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 1, DbTimeoutMs);
    QVERIFY(names().first()->isChecked());
    QVERIFY(!names().first()->isVisibleTo(m_overlay)); // nothing to choose: no names shown
    type(QStringLiteral("2468"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(unlocked.count(), 1, DbTimeoutMs);
}

void TestManagerPinOverlay::aStaffMembersPinDoesNotUnlock()
{
    QSignalSpy unlocked(m_overlay, &ManagerPinOverlay::unlocked);
    m_overlay->open();
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 2, DbTimeoutMs);

    // Sam's PIN typed under a manager's name is that manager's wrong PIN.
    QTest::mouseClick(nameButton(QStringLiteral("Morgan")), Qt::LeftButton);
    type(QStringLiteral("1234"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_overlay->message().startsWith(QStringLiteral("That PIN is not right.")),
                             DbTimeoutMs);
    QCOMPARE(audits(QStringLiteral("staff.sign_in_failed"), m_morgan), 1);

    // Alex stops being a manager while the pad is open: Alex's right PIN
    // is then a staff member's, and it does not unlock.
    sql(QStringLiteral("UPDATE staff SET role = 'staff' WHERE id = %1").arg(m_alex));
    QTest::mouseClick(nameButton(QStringLiteral("Alex")), Qt::LeftButton);
    type(QStringLiteral("1357"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_overlay->message(),
                              QStringLiteral("Alex is not a manager: only a manager can close the kiosk."),
                              DbTimeoutMs);
    QVERIFY(m_overlay->isVisible());
    // The list is read again: Alex is no longer offered.
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 1, DbTimeoutMs);
    QVERIFY(!nameButton(QStringLiteral("Alex")));
    QCOMPARE(unlocked.count(), 0);
}

void TestManagerPinOverlay::aWrongPinSaysSoAndFiveLockTheManagerOut()
{
    QSignalSpy unlocked(m_overlay, &ManagerPinOverlay::unlocked);
    m_overlay->open();
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 2, DbTimeoutMs);
    QTest::mouseClick(nameButton(QStringLiteral("Morgan")), Qt::LeftButton);
    for (int wrong = 1; wrong < StaffRepo::MaxFailedAttempts; ++wrong) {
        type(QStringLiteral("0000"));
        QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
        const int left = StaffRepo::MaxFailedAttempts - wrong;
        const QString expected
            = QStringLiteral("That PIN is not right. %1 more wrong PIN%2 and Morgan is locked "
                             "for 5 minutes.")
                  .arg(left)
                  .arg(left == 1 ? QString() : QStringLiteral("s"));
        QTRY_COMPARE_WITH_TIMEOUT(m_overlay->message(), expected, DbTimeoutMs);
        QCOMPARE(dots(), QString()); // each try starts from an empty PIN
    }
    type(QStringLiteral("0000"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_overlay->message().startsWith(QStringLiteral("Morgan is locked after 5 wrong PINs.")), DbTimeoutMs);
    QVERIFY(
        sql(QStringLiteral("SELECT locked_until > now() FROM staff WHERE id = %1").arg(m_morgan)).toBool());
    QCOMPARE(audits(QStringLiteral("staff.locked"), m_morgan), 1);

    // Locked: the right PIN does not unlock either, and says why.
    type(QStringLiteral("2468"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(audits(QStringLiteral("staff.sign_in_refused"), m_morgan), 1, DbTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_overlay->isChecking(), DbTimeoutMs);
    QVERIFY(m_overlay->message().startsWith(
        QStringLiteral("Morgan is locked after 5 wrong PINs. Try again in ")));
    QCOMPARE(unlocked.count(), 0);

    // Another manager still can.
    QTest::mouseClick(nameButton(QStringLiteral("Alex")), Qt::LeftButton);
    type(QStringLiteral("1357"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(unlocked.count(), 1, DbTimeoutMs);
    QCOMPARE(unlocked.first().first().value<StaffMember>().id, m_alex);
}

void TestManagerPinOverlay::aShortPinOrNoNameIsAskedFor()
{
    m_overlay->open();
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 2, DbTimeoutMs);
    type(QStringLiteral("2468"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QCOMPARE(m_overlay->message(), QStringLiteral("Touch your name first."));
    QTest::mouseClick(nameButton(QStringLiteral("Morgan")), Qt::LeftButton);
    type(QStringLiteral("24"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QCOMPARE(m_overlay->message(), QStringLiteral("Type your PIN: 4 to 8 digits."));
    QVERIFY(!m_overlay->isChecking());
    // Clear empties it; no more than eight digits go in.
    QTest::mouseClick(button(QStringLiteral("pinClear")), Qt::LeftButton);
    QCOMPARE(dots(), QString());
    type(QStringLiteral("1234567890"));
    QCOMPARE(dots(), QString(8, QChar(0x25CF)));
    QCOMPARE(audits(QStringLiteral("staff.sign_in_failed"), m_morgan), 0);
}

void TestManagerPinOverlay::cancelClosesItAndForgetsThePin()
{
    QSignalSpy unlocked(m_overlay, &ManagerPinOverlay::unlocked);
    QSignalSpy cancelled(m_overlay, &ManagerPinOverlay::cancelled);
    m_overlay->open();
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 2, DbTimeoutMs);
    type(QStringLiteral("24"));
    QTest::mouseClick(button(QStringLiteral("pinCancel")), Qt::LeftButton);
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(!m_overlay->isVisible());
    QCOMPARE(dots(), QString());
    m_overlay->open();
    QCOMPARE(dots(), QString());
    QCOMPARE(m_overlay->message(), QString());
    QCOMPARE(unlocked.count(), 0);
}

void TestManagerPinOverlay::untouchedItClosesItself()
{
    QSignalSpy cancelled(m_overlay, &ManagerPinOverlay::cancelled);
    m_overlay->setIdleTimeout(3000);
    m_overlay->open();
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 2, DbTimeoutMs);
    // Touched every 0.6 s for longer than the time-out (each touch leaves
    // it 2.4 s to spare): still open.
    for (int touch = 0; touch < 8; ++touch) {
        QTest::mouseClick(button(touch % 2 ? QStringLiteral("pinClear") : QStringLiteral("pinKey1")),
                          Qt::LeftButton);
        QTest::qWait(600);
    }
    QVERIFY(m_overlay->isVisible());
    QCOMPARE(cancelled.count(), 0);
    // Then left alone.
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, DbTimeoutMs);
    QVERIFY(!m_overlay->isVisible());
    QCOMPARE(dots(), QString());
}

void TestManagerPinOverlay::theKeysAreTouchTargets()
{
    m_overlay->open();
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 2, DbTimeoutMs);
    const KioskMetrics metrics(m_window->screen());
    QList<QPushButton *> keys = names();
    for (const QString &name :
         {QStringLiteral("pinOk"), QStringLiteral("pinClear"), QStringLiteral("pinCancel")})
        keys.append(button(name));
    for (int digit = 0; digit <= 9; ++digit)
        keys.append(button(QStringLiteral("pinKey%1").arg(digit)));
    for (QPushButton *key : std::as_const(keys)) {
        QVERIFY2(
            key->height() >= metrics.targetPixels() && key->width() >= metrics.targetPixels(),
            qPrintable(QStringLiteral("%1 %2x%3").arg(key->text()).arg(key->width()).arg(key->height())));
        QVERIFY(key->height() * 25.4 / metrics.logicalDpi() >= KioskMetrics::MinimumTargetMm);
    }
    // Neighbouring digits stand a gap apart.
    const QRect one = button(QStringLiteral("pinKey1"))->geometry();
    const QRect two = button(QStringLiteral("pinKey2"))->geometry();
    QVERIFY(two.left() - one.right() - 1 >= metrics.gapPixels());
}

void TestManagerPinOverlay::theDatabaseAwaySaysSoAndTryingAgainRecovers()
{
    QSignalSpy unlocked(m_overlay, &ManagerPinOverlay::unlocked);
    QVERIFY(m_cluster.stop());
    m_overlay->open();
    QTRY_VERIFY_WITH_TIMEOUT(
        m_overlay->message().startsWith(QStringLiteral("The managers could not be loaded: ")), DbTimeoutMs);
    QVERIFY(m_overlay->message().endsWith(QStringLiteral("Touch Try again, or Cancel.")));
    QVERIFY(button(QStringLiteral("pinRetry"))->isVisible());
    QCOMPARE(names().size(), 0);

    QVERIFY(m_cluster.start());
    QTest::mouseClick(button(QStringLiteral("pinRetry")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(names().size(), 2, DbTimeoutMs);
    QVERIFY(!button(QStringLiteral("pinRetry"))->isVisible());

    // Away again as the PIN is checked: said so, the PIN kept for OK.
    QVERIFY(m_cluster.stop());
    QTest::mouseClick(nameButton(QStringLiteral("Morgan")), Qt::LeftButton);
    type(QStringLiteral("2468"));
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_overlay->message().startsWith(QStringLiteral("The PIN could not be checked: ")), DbTimeoutMs);
    QVERIFY(m_overlay->message().endsWith(QStringLiteral("Touch OK to try again.")));
    QCOMPARE(dots(), QString(4, QChar(0x25CF)));
    QCOMPARE(unlocked.count(), 0);

    QVERIFY(m_cluster.start());
    QTest::mouseClick(button(QStringLiteral("pinOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(unlocked.count(), 1, DbTimeoutMs);
    QCOMPARE(audits(QStringLiteral("staff.sign_in"), m_morgan), 1);
}

QTEST_MAIN(TestManagerPinOverlay)
#include "tst_managerpinoverlay.moc"
