#pragma once

#include "db/pool/connectionpool.h"
#include "tests/harness/deskfixture.h"
#include "ui/desk/deskwindow.h"

#include <QString>

#include <memory>

class QLineEdit;
class QTreeWidget;

// What the tst_desk_* tests share: the demo site with its three people and
// their PINs on a throwaway PostgreSQL, and a fresh desk window per test on
// the sign-in page, every person unlocked and in their seeded role. A plain
// base with no slots, so QTest runs only the test class's own: its
// initTestCase(), init() and cleanup() call startSite(), openDesk() and
// closeDesk(). Use it from the test thread only.
class DeskSessionFixture
{
protected:
    void startSite(const QString &testName);
    void openDesk();
    void closeDesk();

    qint64 staffId(const QString &name);
    QTreeWidget *staffList() const;
    QLineEdit *pinField() const;
    void choose(const QString &name);
    void typePin(const QString &pin);
    int auditCount(const QString &action, qint64 staffId, const QString &extraCondition = {});

    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
    std::unique_ptr<ConnectionPool> m_pool;
    std::unique_ptr<DeskWindow> m_window;
};
