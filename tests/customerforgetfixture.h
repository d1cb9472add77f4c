#pragma once

#include "db/pool/connectionpool.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/pgtestcluster.h"

#include <QDate>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>

// What the customer forget tests share: a throwaway PostgreSQL migrated by
// the real carwash-admin, a site (Europe/Berlin; service 1 "Wash", 20 min,
// on two lanes, 08:00-18:00), bookings made through the binary, and ways to
// look for a person's details in every table that can hold them. A plain
// base with no slots: the test class's initTestCase() and init() call
// startSite() and resetSite(). Use it from the test thread only.
class CustomerForgetFixture
{
protected:
    // Ann's details, and where they must not be found afterwards.
    static inline const QString AnnName = QStringLiteral("Ann Lee");
    static inline const QString AnnPhone = QStringLiteral("+49 30 1234567");
    static inline const QString AnnEmail = QStringLiteral("Ann.Lee@Example.com");
    static inline const QString AnnPlate = QStringLiteral("AB 123"); // stored AB123
    static inline const QString Zone = QStringLiteral("Europe/Berlin");

    // False (with the reason) when the cluster or the migration fails.
    bool startSite(const QString &testName, QString *error);
    void resetSite();

    AdminProcess::Run admin(const QStringList &args) { return AdminProcess::run(args, m_env); }
    QVariant sql(const QString &statement);
    // The test day (three days ahead) at a local time, as book's --start.
    QString at(const QString &localTime) const { return m_day.toString(Qt::ISODate) + u'T' + localTime; }
    // Books service 1 through carwash-admin; the booking's JSON.
    QJsonObject book(const QString &localTime, const QString &plate, const QString &name,
                     const QString &phone = {}, const QString &email = {});
    qint64 customerOf(qint64 bookingId);
    // Rows of the tables that can hold a person's data whose text contains
    // any of the needles (any case).
    int rowsMentioning(const QStringList &needles);
    // A digest of every row a forget may touch, to see that nothing changed.
    QString everything();
    // Gives Ann a card payment with Stripe's event (the payer's details
    // Checkout collected), a partial refund and a cancellation whose typed
    // reasons name her. Returns the payment's id.
    qint64 giveAnnAHistory(qint64 paidBookingId, qint64 cancelledBookingId);

    PgTestCluster m_cluster;
    QProcessEnvironment m_env;
    QDate m_day;
    std::unique_ptr<ConnectionPool> m_pool; // application_name: the test's name
};
