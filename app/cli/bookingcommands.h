#pragma once

#include "app/cli/clicontext.h"

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
    QList<FieldError> readRequestOptions(const QCommandLineParser &parser, AvailabilityRequest &request);
    void printBooking(const Booking &booking);

    CliContext &m_cli;
};
