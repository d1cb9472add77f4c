#pragma once

#include "app/cli/clicontext.h"

#include <optional>

class QCommandLineParser;
struct Booking;
struct PaymentRequestState;

// carwash-admin payment checkout|show|refund|reconcile: a booking's card
// payments from a shell. Card work is asked of carwash-server through the
// database (CardPaymentRequests); these commands check first that a server
// is running, then wait for its answer by polling the request row (every
// 200 ms, up to --wait seconds). Exit 5 when no server answers or Stripe
// refused (its message shown). Cash refunds are done at once.
class PaymentCommands
{
public:
    using enum CliContext::ExitCode;
    static constexpr int DefaultWaitSeconds = 30;
    static constexpr int PollMs = 200;

    explicit PaymentCommands(CliContext &cli)
        : m_cli(cli)
    { }

    int run(const QStringList &args);

private:
    int checkout(const QString &which, int waitSeconds);
    int show(const QString &which);
    int refund(const QString &which, std::optional<qint64> amountCents, const QString &reason,
               int waitSeconds);
    int reconcile(int waitSeconds);

    // The booking by ID or code; exit code in *rc when there is none.
    std::optional<Booking> findBooking(const QString &which, int *rc);
    // Whether a carwash-server is running; prints why not (exit 5) in *rc.
    bool serverRunning(int *rc);
    // Polls the request until answered or waitSeconds pass; nullopt (and *rc
    // set) on a timeout, a failed request or a database error.
    std::optional<PaymentRequestState> await(qint64 requestId, int waitSeconds, int *rc);
    int failPayment(const QString &message);

    CliContext &m_cli;
};
