#include "app/cli/bookingcommands.h"

#include "app/cli/admincli.h"
#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingstatus.h"
#include "db/bookings/confirmationcode.h"
#include "db/bookings/requestfields.h"
#include "db/pool/connectionpool.h"
#include "db/text/bookingwords.h"
#include "db/text/isotime.h"
#include "db/text/money.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

void BookingCommands::addRequestOptions(QCommandLineParser &parser, bool withBay)
{
    parser.addOption(
        QCommandLineOption(QStringLiteral("service"), AdminCli::tr("wash package"), QStringLiteral("id")));
    parser.addOption(QCommandLineOption(QStringLiteral("vehicle"), AdminCli::tr("car, suv or truck"),
                                        QStringLiteral("class"), QStringLiteral("car")));
    parser.addOption(QCommandLineOption(QStringLiteral("addon"), AdminCli::tr("add-on, repeatable"),
                                        QStringLiteral("id")));
    if (withBay)
        parser.addOption(
            QCommandLineOption(QStringLiteral("bay"), AdminCli::tr("one bay only"), QStringLiteral("id")));
}

RequestFields BookingCommands::fields(const QCommandLineParser &parser)
{
    // The options' values as the API's fields are read, named as options.
    return RequestFields([&parser](const QString &field) { return parser.values(field); },
                         [](const QString &field) { return QStringLiteral("--") + field; });
}

int BookingCommands::availability(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption(
        QCommandLineOption(QStringLiteral("date"), AdminCli::tr("local day"), QStringLiteral("YYYY-MM-DD")));
    addRequestOptions(parser, true);
    if (!m_cli.parseCommand(
            parser, QStringLiteral("availability"), args,
            AdminCli::tr(
                "availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... "
                "[--bay ID] [--json]")))
        return Invalid;
    AvailabilityRequest request;
    std::optional<QDate> date;
    QList<FieldError> errors = fields(parser).readDate(date);
    errors += fields(parser).readSlot(request, true);
    if (!parser.positionalArguments().isEmpty())
        errors.append(
            {QStringLiteral("arguments"),
             AdminCli::tr("Unexpected \"%1\".").arg(parser.positionalArguments().join(QLatin1Char(' ')))});
    if (!errors.isEmpty())
        return m_cli.invalidFields(errors);
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    const QDate day = *date;
    auto starts = m_cli.pool()
                      .withRetry(QStringLiteral("availability.day"), RetryPolicy::standard(),
                                 [request, day](QSqlDatabase &db) {
                                     return AvailabilityRepo(db).forDate(request, day);
                                 })
                      .result();
    if (!starts.ok())
        return m_cli.failWith(starts.error());
    QJsonArray array;
    for (const PlannedSlot &slot : starts.value()) {
        array.append(slot.toJson());
        if (!m_cli.json()) {
            QStringList names;
            for (const BayRef &bay : slot.bays)
                names << bay.name;
            m_cli.out() << slot.start.toString(QStringLiteral("HH:mm")) << '-'
                        << slot.end.toString(QStringLiteral("HH:mm")) << "  "
                        << names.join(QStringLiteral(", ")) << '\n';
        }
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(array) << '\n';
    else if (starts->isEmpty())
        m_cli.out() << AdminCli::tr("No free start times on %1.").arg(day.toString(Qt::ISODate)) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int BookingCommands::next(const QStringList &args)
{
    QCommandLineParser parser;
    addRequestOptions(parser, true);
    if (!m_cli.parseCommand(
            parser, QStringLiteral("next"), args,
            AdminCli::tr("next --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]")))
        return Invalid;
    AvailabilityRequest request;
    QList<FieldError> errors = fields(parser).readSlot(request, true);
    if (!parser.positionalArguments().isEmpty())
        errors.append(
            {QStringLiteral("arguments"),
             AdminCli::tr("Unexpected \"%1\".").arg(parser.positionalArguments().join(QLatin1Char(' ')))});
    if (!errors.isEmpty())
        return m_cli.invalidFields(errors);
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto next = m_cli.pool()
                    .withRetry(QStringLiteral("availability.next"), RetryPolicy::standard(),
                               [request](QSqlDatabase &db) { return AvailabilityRepo(db).next(request); })
                    .result();
    if (!next.ok())
        return m_cli.failWith(next.error());
    if (!next->has_value())
        return m_cli.failWith(
            DbError(DbError::Kind::NotFound,
                    AdminCli::tr("No free start within the booking horizon (closed, fully booked, or no bay "
                                 "offers this service).")));
    const PlannedSlot &slot = **next;
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(slot.toFirstBayJson()) << '\n';
    else
        m_cli.out() << IsoTime::format(slot.start) << "  " << slot.bays.first().name << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

void BookingCommands::printBooking(const Booking &b)
{
    QStringList addons;
    for (const BookedAddon &a : b.addons)
        addons << a.name;
    m_cli.out()
        << AdminCli::tr("Booking %1, code %2 (%3)").arg(b.id).arg(b.code, BookingWords::status(b.status))
        << '\n';
    m_cli.out() << "  " << b.start.toString(QStringLiteral("yyyy-MM-dd HH:mm")) << "-"
                << b.end.toString(QStringLiteral("HH:mm")) << " (" << IsoTime::format(b.start).right(6)
                << ")  " << b.bay.name << '\n';
    m_cli.out() << "  " << b.serviceName << ", " << b.vehicleClass;
    if (!addons.isEmpty())
        m_cli.out() << " + " << addons.join(QStringLiteral(", "));
    m_cli.out() << "  " << Money::format(b.priceCents, b.currency) << '\n';
    m_cli.out() << "  " << b.plate << "  " << b.customerName;
    if (!b.phone.isEmpty())
        m_cli.out() << ", " << b.phone;
    if (!b.email.isEmpty())
        m_cli.out() << ", " << b.email;
    m_cli.out() << '\n';
    if (b.holdExpiresAt && b.status == u"held")
        m_cli.out() << "  " << AdminCli::tr("held until %1").arg(IsoTime::format(*b.holdExpiresAt)) << '\n';
}

int BookingCommands::book(const QStringList &args)
{
    QCommandLineParser parser;
    addRequestOptions(parser, true);
    const QString start = QStringLiteral("start"), plate = QStringLiteral("plate"),
                  name = QStringLiteral("name"), phone = QStringLiteral("phone"),
                  email = QStringLiteral("email"), hold = QStringLiteral("hold"),
                  key = QStringLiteral("idempotency-key");
    parser.addOption(QCommandLineOption(start, AdminCli::tr("start"), QStringLiteral("ISO-8601")));
    parser.addOption(QCommandLineOption(plate, AdminCli::tr("licence plate"), QStringLiteral("plate")));
    parser.addOption(QCommandLineOption(name, AdminCli::tr("customer name"), QStringLiteral("name")));
    parser.addOption(QCommandLineOption(phone, AdminCli::tr("phone"), QStringLiteral("phone")));
    parser.addOption(QCommandLineOption(email, AdminCli::tr("e-mail"), QStringLiteral("email")));
    parser.addOption(QCommandLineOption(hold, AdminCli::tr("hold until paid")));
    parser.addOption(QCommandLineOption(key, AdminCli::tr("retry key"), QStringLiteral("key")));
    if (!m_cli.parseCommand(
            parser, QStringLiteral("book"), args,
            AdminCli::tr(
                "book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck] "
                "[--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K] [--json]")))
        return Invalid;

    BookingRequest request;
    QList<FieldError> errors = fields(parser).readBooking(request);
    if (parser.values(key).size() > 1)
        errors.append({key, AdminCli::tr("--%1 may be given once.").arg(key)});
    request.hold = parser.isSet(hold);
    if (parser.isSet(key)) {
        request.idempotencyKey = parser.value(key);
        for (const FieldError &e : request.normalised().validate()) {
            if (e.field == u"idempotency_key")
                errors.append(e);
        }
    }
    if (!parser.positionalArguments().isEmpty())
        errors.append({QStringLiteral("arguments"),
                       AdminCli::tr("Unexpected \"%1\" (quote values that contain spaces).")
                           .arg(parser.positionalArguments().join(QLatin1Char(' ')))});
    if (!errors.isEmpty())
        return m_cli.invalidFields(errors);

    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto outcome = m_cli.pool()
                       .withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                  [request](QSqlDatabase &db) { return BookingRepo(db).create(request); })
                       .result();
    if (!outcome.ok())
        return m_cli.failWith(outcome.error());
    switch (outcome->result) {
    case BookingOutcome::Result::Invalid:
        return m_cli.invalidFields(outcome->errors);
    case BookingOutcome::Result::SlotTaken: {
        const DbError error = outcome->error();
        QJsonArray alternatives;
        for (const PlannedSlot &slot : outcome->alternatives)
            alternatives.append(slot.toJson());
        if (m_cli.json())
            m_cli.out() << CliContext::jsonText(
                QJsonObject {{QStringLiteral("error"),
                              QJsonObject {{QStringLiteral("kind"), DbError::kindName(error.kind())},
                                           {QStringLiteral("message"), error.message()}}},
                             {QStringLiteral("alternatives"), alternatives}})
                        << '\n'
                        << Qt::flush;
        m_cli.err() << error.message() << '\n';
        if (outcome->alternatives.isEmpty())
            m_cli.err() << AdminCli::tr("No other free start on that day or the next.") << '\n';
        else
            m_cli.err() << AdminCli::tr("Free instead:") << '\n';
        for (const PlannedSlot &slot : outcome->alternatives) {
            QStringList names;
            for (const BayRef &bay : slot.bays)
                names << bay.name;
            m_cli.err() << "  " << IsoTime::format(slot.start) << "  " << names.join(QStringLiteral(", "))
                        << '\n';
        }
        m_cli.err() << Qt::flush;
        return NotFound; // 3: the slot is taken
    }
    case BookingOutcome::Result::Booked:
    case BookingOutcome::Result::Replayed:
        break;
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(outcome->booking.toJson()) << '\n';
    else
        printBooking(outcome->booking);
    m_cli.out() << Qt::flush;
    return Ok;
}

int BookingCommands::bookings(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption(
        QCommandLineOption(QStringLiteral("date"), AdminCli::tr("local day"), QStringLiteral("YYYY-MM-DD")));
    if (!m_cli.parseCommand(parser, QStringLiteral("bookings"), args,
                            AdminCli::tr("bookings --date YYYY-MM-DD [--json]")))
        return Invalid;
    const std::optional<QDate> date = IsoTime::parseDate(parser.value(QStringLiteral("date")));
    if (!date || !parser.positionalArguments().isEmpty())
        return m_cli.invalidFields(
            {{QStringLiteral("date"),
              AdminCli::tr("bookings needs --date YYYY-MM-DD (for example 2025-06-11), not \"%1\".")
                  .arg(parser.value(QStringLiteral("date")))}});
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    const QDate day = *date;
    auto bookings = m_cli.pool()
                        .withRetry(QStringLiteral("bookings.day"), RetryPolicy::standard(),
                                   [day](QSqlDatabase &db) { return BookingRepo(db).forDay(day); })
                        .result();
    if (!bookings.ok())
        return m_cli.failWith(bookings.error());
    QJsonArray array;
    for (const Booking &b : bookings.value()) {
        array.append(b.toJson());
        if (!m_cli.json())
            m_cli.out() << QStringLiteral("%1-%2  %3  %4  %5  %6  %7  %8\n")
                               .arg(b.start.toString(QStringLiteral("HH:mm")),
                                    b.end.toString(QStringLiteral("HH:mm")))
                               .arg(b.code)
                               .arg(b.status, -11)
                               .arg(b.bay.name, -14)
                               .arg(b.serviceName, -18)
                               .arg(b.plate, -10)
                               .arg(b.customerName);
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(array) << '\n';
    else if (bookings->isEmpty())
        m_cli.out() << AdminCli::tr("No bookings on %1.").arg(day.toString(Qt::ISODate)) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int BookingCommands::booking(const QStringList &args)
{
    const QString usageLine
        = AdminCli::tr("booking ID|CODE [--json] | booking status ID|CODE STATUS [--reason TEXT]");
    QCommandLineParser parser;
    const QCommandLineOption reasonOption(QStringLiteral("reason"), AdminCli::tr("why"),
                                          QStringLiteral("text"));
    parser.addOption(reasonOption);
    if (!m_cli.parseCommand(parser, QStringLiteral("booking"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    // "status" is the sub-command; a code is upper case, or has digits.
    const bool change = words.value(0) == u"status" && words.size() == 3;
    if ((!change && words.size() != 1) || (words.value(0) == u"status" && !change))
        return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
    if (!change && parser.isSet(reasonOption))
        return m_cli.invalid(
            AdminCli::tr("--reason goes with booking status. Usage: carwash-admin %1").arg(usageLine));
    const QString which = change ? words[1] : words[0];
    static const QRegularExpression numeric(QStringLiteral("^[0-9]{1,18}$"));
    if (!numeric.match(which.trimmed()).hasMatch() && !ConfirmationCode::looksLikeCode(which))
        return m_cli.invalidFields(
            {{QStringLiteral("booking"),
              AdminCli::tr("\"%1\" is neither a booking ID (a number) nor a confirmation code (6 letters and "
                           "digits).")
                  .arg(which)}});
    if (change && !BookingStatus::isKnown(words[2]))
        return m_cli.invalidFields({{QStringLiteral("status"),
                                     AdminCli::tr("\"%1\" is not a booking status. Statuses: %2.")
                                         .arg(words[2], BookingStatus::all().join(QStringLiteral(", ")))}});
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;

    DbResult<Booking> result;
    if (change) {
        const QString status = words[2];
        const QString reason = parser.value(reasonOption);
        result = m_cli.pool()
                     .withRetry(QStringLiteral("booking.status"), RetryPolicy::critical(),
                                [which, status, reason](QSqlDatabase &db) {
                                    return BookingRepo(db).changeStatus(which, status, QStringLiteral("cli"),
                                                                        reason);
                                })
                     .result();
    } else {
        auto found = m_cli.pool()
                         .withRetry(QStringLiteral("booking.get"), RetryPolicy::standard(),
                                    [which](QSqlDatabase &db) { return BookingRepo(db).find(which); })
                         .result();
        if (!found.ok())
            return m_cli.failWith(found.error());
        if (!found->has_value())
            return m_cli.failWith(
                DbError(DbError::Kind::NotFound,
                        AdminCli::tr("There is no booking with ID or code \"%1\".").arg(which)));
        result = DbResult<Booking>(**found);
    }
    if (!result.ok())
        return m_cli.failWith(result.error());
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(result->toJson()) << '\n';
    else
        printBooking(result.value());
    m_cli.out() << Qt::flush;
    return Ok;
}
