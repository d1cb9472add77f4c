#pragma once

#include "payments/stripeobject.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

// A webhook's body, once its signature is verified, as a typed event: id,
// type, created, api_version and data.object (as a StripeObject). parse()
// refuses what is not an event (not JSON, no id, type or data.object) with
// a translated reason; it never throws and never half-parses.
class StripeEvent
{
    Q_DECLARE_TR_FUNCTIONS(StripeEvent)
public:
    static StripeEvent parse(const QByteArray &body);

    bool isValid() const { return m_error.isEmpty(); }
    // Why parse() refused the body; empty when valid.
    QString errorString() const { return m_error; }

    QString id() const { return m_id; } // evt_…
    QString type() const { return m_type; } // checkout.session.completed…
    QDateTime created() const { return m_created; }
    QString apiVersion() const { return m_apiVersion; } // may be empty (null in Stripe's JSON)
    bool livemode() const { return m_livemode; }
    const StripeObject &object() const { return m_object; }
    // The whole event as Stripe sent it.
    const QJsonObject &json() const { return m_json; }

private:
    QString m_error;
    QString m_id;
    QString m_type;
    QDateTime m_created;
    QString m_apiVersion;
    bool m_livemode = false;
    StripeObject m_object;
    QJsonObject m_json;
};
