#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

// Stripe's webhook signatures. Stripe-Signature is "t=<unix seconds>,
// v1=<hex>[,v1=<hex>…]" (other schemes such as v0 are ignored); each v1 is
// HMAC-SHA256 keyed by a whole whsec_… secret over "<t>.<raw body>". An
// event is genuine when any v1 matches any of the configured secrets
// (compared in constant time, every pair) and t lies within the tolerance of
// now, either side. Verify the raw bytes before parsing them.
class WebhookSignature
{
public:
    static constexpr qint64 DefaultToleranceSecs = 300;

    enum class Outcome {
        Valid,
        MissingHeader, // no Stripe-Signature header, or an empty one
        Malformed, // no t=, a t= that is not a number, or no v1=
        NoMatch, // no v1 matches any secret: forged, or signed with another secret
        Stale, // signed correctly, but t is too far from now (a replay)
    };

    struct Result
    {
        Outcome outcome = Outcome::Malformed;
        qint64 timestamp = 0; // the header's t, when it had one
        QString logText; // what was wrong, for the log; no secret, no signature
        bool isValid() const { return outcome == Outcome::Valid; }
    };

    static Result verify(const QByteArray &header, const QByteArray &rawBody, const QStringList &secrets,
                         qint64 nowSecs, qint64 toleranceSecs = DefaultToleranceSecs);

    // A Stripe-Signature header for body at time t: one v1 per secret, as
    // Stripe writes it during a secret's rotation. For tests and the bench.
    static QByteArray sign(const QByteArray &body, const QStringList &secrets, qint64 timestamp);
    static QByteArray sign(const QByteArray &body, const QString &secret, qint64 timestamp)
    {
        return sign(body, QStringList {secret}, timestamp);
    }
    // The lower-case hex v1 of body at time t for one secret.
    static QByteArray signatureHex(const QByteArray &body, const QString &secret, qint64 timestamp);

    static QString outcomeName(Outcome outcome);
};
