#include "tests/desksessionfixture.h"

#include "ui/common/databasehealthwatcher.h"
#include "ui/desk/signinpage.h"

#include <QLineEdit>
#include <QSettings>
#include <QTreeWidget>

using namespace DeskTest;

void DeskSessionFixture::startSite(const QString &testName)
{
    QString error;
    QVERIFY2(m_site.start(testName, &error), qPrintable(error));
    QCOMPARE(m_site.pins().size(), 3);
}

void DeskSessionFixture::openDesk()
{
    QSettings settings;
    settings.clear();
    settings.setValue(DatabaseHealthWatcher::settingsKey(), 0.2);
    if (!m_cluster.isRunning())
        QVERIFY(m_cluster.start());
    m_cluster.queryBlocking(QStringLiteral("UPDATE staff SET failed_attempts = 0, locked_until = NULL"));
    // The demo's people as seeded, whatever a staff test changed.
    m_cluster.queryBlocking(
        QStringLiteral("UPDATE staff SET active = true, role = CASE name WHEN 'Morgan Lee' "
                       "THEN 'manager' ELSE 'staff' END"));
    QVERIFY(m_site.openDesk(m_pool, m_window));
    QCOMPARE(m_window->currentPage(), m_window->signInPage());
}

void DeskSessionFixture::closeDesk()
{
    DeskTestSite::closeDesk(m_pool, m_window);
}

qint64 DeskSessionFixture::staffId(const QString &name)
{
    return m_cluster.queryBlocking(QStringLiteral("SELECT id FROM staff WHERE name = %1").arg(quoted(name)))
        .toLongLong();
}

QTreeWidget *DeskSessionFixture::staffList() const
{
    return m_window->signInPage()->findChild<QTreeWidget *>(QStringLiteral("staffList"));
}

QLineEdit *DeskSessionFixture::pinField() const
{
    return m_window->signInPage()->findChild<QLineEdit *>(QStringLiteral("pinField"));
}

void DeskSessionFixture::choose(const QString &name)
{
    const QList<QTreeWidgetItem *> found = staffList()->findItems(name, Qt::MatchExactly);
    QVERIFY2(!found.isEmpty(), qPrintable(name));
    staffList()->setCurrentItem(found.first());
}

void DeskSessionFixture::typePin(const QString &pin)
{
    QTRY_VERIFY(!m_window->signInPage()->isChecking());
    pinField()->setFocus();
    QTest::keyClicks(pinField(), pin);
    QTest::keyClick(pinField(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->signInPage()->isChecking(), kNoHangMs);
}

int DeskSessionFixture::auditCount(const QString &action, qint64 staffId, const QString &extraCondition)
{
    return m_cluster
        .queryBlocking(
            QStringLiteral("SELECT count(*) FROM audit_log WHERE action = '%1' AND entity = 'staff' "
                           "AND entity_id = '%2' %3")
                .arg(action)
                .arg(staffId)
                .arg(extraCondition))
        .toInt();
}
