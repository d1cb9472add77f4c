#pragma once

#include <QObject>
#include <QString>

class DeskApplication;
class KioskWindow;
class QNetworkAccessManager;

// carwash-screenshots --kiosk NAME PATH: the kiosk (`carwash --kiosk`)
// driven by taps on its own buttons, as a customer would (KioskDriver),
// to one screen, saved with QWidget::grab. --show attract, wash (the first
// wash chosen), time, plate (a plate typed), idle (the "Still there?"
// overlay over the typed plate), pay-reader (the kiosk's reader
// waiting for a card), pay-phone (the QR code of the Checkout link), done
// (paid on the reader: a card presented at the fake Stripe named by
// STRIPE_API_BASE and STRIPE_SECRET_KEY) or out-of-service (start-up
// failed); --language es|de touches that language first. Exit code 1 if it
// cannot get there.
class KioskScreenshotRunner : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QString path;
        QString show; // "attract" when empty
        QString language; // touched on the attract screen; empty: the kiosk's own
        int timeoutMs = 90000;
    };

    KioskScreenshotRunner(DeskApplication &desk, Request request, QObject *parent = nullptr);
    ~KioskScreenshotRunner() override;

private:
    void drive();
    // The customer presents a card at the fake Stripe's simulated reader.
    bool presentCard(const QString &readerId, QString *error);
    void grab(KioskWindow &kiosk);
    void finish(int exitCode, const QString &message);

    DeskApplication &m_desk;
    Request m_request;
    QNetworkAccessManager *m_network = nullptr;
    bool m_started = false;
    bool m_finished = false;
};
