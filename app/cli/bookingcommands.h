#pragma once

#include "app/cli/clicontext.h"
#include "db/bookings/requestfields.h"

class QCommandLineParser;
struct AvailabilityRequest;
struct Booking;
struct FieldError;

// carwash-admin availability, next, book, bookings and booking: the booking
// engine from a shell.
class BookingCommands
{
public:
    using enum CliContext::ExitCode;

    explicit BookingCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int availability(const QStringList &args);
    int next(const QStringList &args);
    int book(const QStringList &args);
    int bookings(const QStringList &args);
    int booking(const QStringList &args);

private:
    // --service, --vehicle, --addon (repeatable) and --bay, as availability,
    // next and book share them.
    void addRequestOptions(QCommandLineParser &parser, bool withBay);
    // The request's fields from the command's options (RequestFields).
    static RequestFields fields(const QCommandLineParser &parser);
    void printBooking(const Booking &booking);

    CliContext &m_cli;
};
