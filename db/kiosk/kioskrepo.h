#pragma once

#include "db/kiosk/attendantcall.h"
#include "db/kiosk/kioskprofile.h"
#include "db/kiosk/kioskrelease.h"
#include "db/pool/dberror.h"
#include "db/pool/fielderror.h"

#include <QCoreApplication>
#include <QList>
#include <QSqlDatabase>
#include <QStringList>

#include <optional>

// A change a manager makes to a kiosk; fields left nullopt stay as they are.
struct KioskChange
{
    std::optional<QString> readerId; // tmr_… to assign, empty to leave the kiosk without a reader
    std::optional<QString> language; // en, es, de
    std::optional<QStringList> methods; // reader, phone, desk; any order, stored in that order
};

// The self-service kiosks: their profiles (kiosks, and the reader
// card_readers assigns them), releasing the holds a kiosk made, and their
// calls for an attendant. Runs inside a unit of work on a pooled connection
// (blocking; throws DbException from the Sql helpers, which the pool
// retries). Each change is one transaction with its audit row; refusals
// are Invalid values with a sentence naming what is accepted.
class KioskRepo
{
    Q_DECLARE_TR_FUNCTIONS(KioskRepo)
public:
    static constexpr int MaxNameLength = 64;
    static constexpr int MaxScreenTextLength = 500;

    explicit KioskRepo(QSqlDatabase &db);

    // audit_log's actor for the kiosk, also bookings.created_by of its
    // holds: "kiosk:<name>".
    static QString actorFor(const QString &kioskName);
    // The program name a kiosk publishes its health under, with its name as
    // the ProcessIdentity's label: ProcessIdentity::current(program(), name).
    static QString program();
    // The host's name, as ProcessIdentity names hosts: a kiosk started
    // without --kiosk-name is called this.
    static QString defaultName();
    // What is wrong with name as a kiosk's name (empty, too long, spaces
    // around it), or an empty string when it will do.
    static QString nameProblem(const QString &name);
    // Languages and payment methods a kiosk may have, in their stored order.
    static QStringList languages();
    static QStringList allMethods();

    // The kiosk's profile, its row inserted with the defaults (en; reader,
    // phone) when missing (audited 'kiosk.created' by the kiosk itself).
    // Throws DbException (Invalid) for a name nameProblem() refuses.
    KioskProfile ensure(const QString &name);
    // nullopt when there is no such kiosk.
    std::optional<KioskProfile> find(const QString &name);
    // Every kiosk, by name.
    QList<KioskProfile> list();
    // Creates the kiosk when missing and applies change in one transaction,
    // audited 'kiosk.changed' with the actor. Invalid naming every wrong
    // field ("language", "methods", "reader", "name") and what is accepted;
    // a reader is assigned through ReaderRepo::assign (so a reader serving
    // another device is refused as it refuses; NotFound for an unknown one)
    // after the kiosk's previous reader is unassigned.
    DbResult<KioskProfile> set(const QString &name, const KioskChange &change, const QString &actor);
    // The field errors set() would report for change, without a database.
    static QList<FieldError> validate(const QString &name, const KioskChange &change);

    // Releases one hold in one transaction: the booking locked
    // (PaymentRepo::lockDue); when still held, its live card payment
    // cancelled (CardPaymentRequests::cancelLiveCard, which writes the
    // 'cancel' request carwash-server turns into an expired Checkout
    // session or a cancelled reader action) and the booking cancelled with
    // its audit row and bookings_changed. A hold already lapsed has its
    // card payment cancelled the same way and is recorded as expired. A
    // booking no longer held (paid meanwhile, released already) is left
    // alone and reported in untouchedBookingIds, not as an error. NotFound
    // without such a booking.
    DbResult<KioskRelease> releaseHold(qint64 bookingId, const QString &actor, const QString &why);
    // Every hold the kiosk made that is still held (created_by =
    // actorFor(kioskName)), each released as releaseHold() does in a
    // transaction of its own, with the kiosk's actor. For a kiosk starting
    // after a crash or power loss, and for its reset.
    KioskRelease releaseHolds(const QString &kioskName, const QString &why);

    // A call for an attendant from the kiosk, with what its screen shows:
    // the row and pg_notify('attendant_calls', '<id>') in one transaction.
    // The kiosk's row is made when missing. Invalid for a screen text over
    // MaxScreenTextLength.
    DbResult<AttendantCall> callAttendant(const QString &kioskName, const QString &screenText);
    // Calls nobody has answered yet, oldest first.
    QList<AttendantCall> openCalls();
    // nullopt when there is no such call.
    std::optional<AttendantCall> call(qint64 callId);
    // "I'm going": the call answered by actor, audited 'kiosk.attendant_acknowledged',
    // pg_notify('attendant_calls', '<id>') so every desk hides it. A call
    // answered already stays answered by whoever was first, and is returned
    // as it is. NotFound without such a call.
    DbResult<AttendantCall> acknowledge(qint64 callId, const QString &actor);

private:
    static QStringList orderedMethods(const QStringList &methods);
    QList<KioskProfile> select(const QString &where, const QVariantList &binds);
    QList<AttendantCall> selectCalls(const QString &where, const QVariantList &binds);
    void insertIfMissing(const QString &name);

    QSqlDatabase &m_db;
};
