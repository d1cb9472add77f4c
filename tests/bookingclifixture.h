#pragma once

#include "tests/harness/adminprocess.h"
#include "tests/harness/pgtestcluster.h"

#include <QDate>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <initializer_list>

// What the tst_bookingcli_* tests share: carwash-admin as a real process
// against a real PostgreSQL it migrated, and before each test a small known
// site in Europe/Berlin: service 1 "Wash" (20 min, car/suv) on lanes 1 and 2
// with add-on 1, service 2 "Detail" (60 min) on bay 3 with add-on 2, open
// 08:00-18:00 daily, bookings three days ahead. A plain base with no slots,
// so QTest runs only the test class's own: its initTestCase() and init()
// call startCluster() and resetSite().
class BookingCliFixture
{
protected:
    static inline const QString Zone = QStringLiteral("Europe/Berlin");

    static QStringList words(std::initializer_list<const char *> items);

    void startCluster();
    void resetSite();

    AdminProcess::Run admin(const QStringList &args);
    QStringList bookArgs(const QString &localTime, const QString &plate,
                         const QString &name = QStringLiteral("Ann Lee"));
    // The test day at localTime ("10:00"), as --start takes it.
    QString at(const QString &localTime) const;
    QVariant sql(const QString &statement);

    PgTestCluster m_cluster;
    QProcessEnvironment m_env;
    QDate m_day;
};
