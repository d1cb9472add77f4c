#pragma once

#include <QObject>

class QSocketNotifier;

// SIGTERM and SIGINT as a Qt signal on the thread that installed the bridge:
// the handler only writes a byte into a socket pair (the one thing a signal
// handler may safely do), and a QSocketNotifier on the other end emits
// terminationRequested() from the event loop. One bridge per process.
class SignalBridge : public QObject
{
    Q_OBJECT
public:
    explicit SignalBridge(QObject *parent = nullptr);
    ~SignalBridge() override;

    // Installs the handlers; false (with errorString()) when the socket pair
    // or sigaction failed.
    bool install();
    QString errorString() const { return m_error; }

Q_SIGNALS:
    // signalNumber: SIGTERM or SIGINT. Emitted once per delivered signal.
    void terminationRequested(int signalNumber);

private:
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
    QString m_error;
};
