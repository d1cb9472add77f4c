#include "db/notify/bookingchangelistener.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcBookingListener, "carwash.db.listener.bookings", QtWarningMsg)

BookingChangeListener::BookingChangeListener(QObject *parent)
    : QObject(parent)
    , m_listener(new NotificationListener({channel(), paymentsChannel(), attendantCallsChannel()}, this))
{
    connect(m_listener, &NotificationListener::notification, this, &BookingChangeListener::notified);
    connect(m_listener, &NotificationListener::listeningChanged, this,
            &BookingChangeListener::listeningChanged);
    connect(m_listener, &NotificationListener::resyncNeeded, this, &BookingChangeListener::resyncNeeded);
    connect(m_listener, &NotificationListener::stopped, this, &BookingChangeListener::stopped);
}

BookingChangeListener::~BookingChangeListener()
{
    // Joined here, before the signals' receiver (this) is half destroyed.
    m_listener->stop();
}

void BookingChangeListener::setReconnectDelays(int initialMs, int maxMs)
{
    m_listener->setReconnectDelays(initialMs, maxMs);
}

void BookingChangeListener::setHealthCheckInterval(int milliseconds)
{
    m_listener->setHealthCheckInterval(milliseconds);
}

void BookingChangeListener::start(const DatabaseConfig &config)
{
    m_listener->start(config);
}

void BookingChangeListener::stop()
{
    m_listener->stop();
}

void BookingChangeListener::requestStop()
{
    m_listener->requestStop();
}

bool BookingChangeListener::isRunning() const
{
    return m_listener->isRunning();
}

bool BookingChangeListener::isSupported() const
{
    return m_listener->isSupported();
}

bool BookingChangeListener::isListening() const
{
    return m_listener->isListening();
}

void BookingChangeListener::notified(const QString &channelName, const QString &payload)
{
    const QByteArray text = payload.toUtf8();
    if (channelName == attendantCallsChannel()) {
        Q_EMIT attendantCallChanged(payload.toLongLong());
        return;
    }
    if (channelName == paymentsChannel()) {
        const QJsonObject news = QJsonDocument::fromJson(text).object();
        Q_EMIT paymentChanged(news.value(u"booking_id").toInteger(), news.value(u"payment_id").toInteger(),
                              news.value(u"request_id").toInteger());
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    const QJsonObject object = document.object();
    if (parseError.error != QJsonParseError::NoError || !document.isObject()
        || !object.value(u"id").isDouble()) {
        // Still a change: the views reload whatever they show.
        qCWarning(lcBookingListener) << "unreadable" << channel() << "payload of" << text.size() << "bytes";
        Q_EMIT bookingChanged(0, QString(), QString(), QDate());
        return;
    }
    const qint64 id = object.value(u"id").toInteger();
    const QString code = object.value(u"code").toString();
    const QString status = object.value(u"status").toString();
    const QDate day = QDate::fromString(object.value(u"day").toString(), Qt::ISODate);
    qCDebug(lcBookingListener) << "booking changed" << id << code << status << day;
    Q_EMIT bookingChanged(id, code, status, day);
}
