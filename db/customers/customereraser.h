#pragma once

#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

// Which customers a request to be forgotten names: one id, every customer
// with the same phone digits, or every customer with the same e-mail (any
// case). Plain value; parse() tells them apart.
struct ForgetTarget
{
    enum class By { Id, Phone, Email };
    By by = By::Id;
    qint64 id = 0;
    QString text; // the phone's ASCII digits, or the e-mail as given (trimmed)

    QString byName() const; // "id", "phone", "email": stable, for audit and JSON
};

// What forgetting one customer did. Plain value.
struct ForgottenCustomer
{
    qint64 id = 0;
    bool alreadyForgotten = false; // nothing personal was left to erase
    int vehicles = 0; // their vehicles, plates replaced
    int bookings = 0; // their bookings, kept with the plate replaced
    int payments = 0; // payments of those bookings, kept as they were
    int paymentEvents = 0; // Stripe events whose customer details were removed
    int textsRedacted = 0; // audit details and refund reasons that named them

    // {"id", "already_forgotten", "vehicles", "bookings", "payments",
    //  "payment_events", "texts_redacted"}
    QJsonObject toJson() const;
};

// Erases customers' personal data on request, keeping their bookings and
// payments for the books: name → ErasedName, phone and e-mail → NULL, each
// vehicle's plate and their bookings' plates → placeholderPlate(vehicle id);
// Stripe's copy of the payer's details in stored events and any free text
// of their bookings' history (audit details, refund reasons) that spells
// their name, phone, e-mail or a plate are scrubbed. One transaction; the
// rows are locked in the order a booking takes them (vehicles, customers,
// bookings), so a booking for the same plate at that moment waits and then
// makes a new customer. One audit_log row ('customer.forget', counts only)
// per customer changed. Runs inside a unit of work (blocking; throws
// DbException from the Sql helpers).
class CustomerEraser
{
    Q_DECLARE_TR_FUNCTIONS(CustomerEraser)
public:
    // What the desk shows for a forgotten customer's name.
    static const QString ErasedName;

    explicit CustomerEraser(QSqlDatabase &db);

    // "42" is an id; text with an @ an e-mail; digits with a leading + or
    // with spaces, dashes, dots or parentheses a phone number. Invalid,
    // naming what is wrong, for anything else.
    static DbResult<ForgetTarget> parse(const QString &idPhoneOrEmail);

    // The plate a forgotten vehicle gets: OHM SIGN (U+2126) and the row id.
    // It passes the plate checks (an upper-case letter and digits) yet no
    // plate a person types can equal it, since plates are stored in NFC and
    // NFC turns U+2126 into GREEK CAPITAL OMEGA: the old plate, or any other,
    // can be booked again without meeting it.
    static QString placeholderPlate(qint64 vehicleId);

    enum class Mode { Forget, DryRun };

    // Forgets every customer the target names, by id. NotFound when none.
    // actor in audit_log's form ('cli'). DryRun does all of it and rolls
    // back: what would be forgotten, with the same counts, nothing changed.
    DbResult<QList<ForgottenCustomer>> forget(const ForgetTarget &target, const QString &actor,
                                              Mode mode = Mode::Forget);

private:
    // Names, phones (as written and as digits), e-mails and plates of the
    // customers, as they are before erasing.
    QStringList erasedValues(const QString &customerIds);
    ForgottenCustomer forgetOne(qint64 customerId, const ForgetTarget &target, const QString &actor,
                                const QStringList &terms);
    int scrubPaymentEvents(const QString &bookingIds);
    int redactTexts(const QString &bookingIds, const QStringList &terms);

    QSqlDatabase &m_db;
};
