#pragma once

#include <QObject>

#include <memory>

class ConnectionPool;
class QDialog;
class QPrinter;
class QWidget;

// Save a booking's receipt as PDF or print it: the receipt is assembled from
// the database through the pool (never from what a screen shows), then laid
// out by ReceiptDocument on the GUI thread. One result signal per request.
class ReceiptActions : public QObject
{
    Q_OBJECT
public:
    ReceiptActions(ConnectionPool &pool, QWidget *parent);

    // Ask where (QFileDialog), then save; or show the receipt in a print
    // preview whose Print button asks for the printer.
    void askAndSavePdf(qint64 bookingId);
    void askAndPrint(qint64 bookingId);
    // Without asking: what the questions lead to (and what tests call).
    void savePdf(qint64 bookingId, const QString &path);
    void print(qint64 bookingId, std::shared_ptr<QPrinter> printer);

    bool isBusy() const { return m_busy > 0; }

Q_SIGNALS:
    void started();
    // message: what happened, for the status line.
    void finished(bool ok, const QString &message);
    // The preview askAndPrint opened (it deletes itself when closed).
    void previewOpened(QDialog *preview);

private:
    template<typename Fn> void withReceipt(qint64 bookingId, Fn &&fn);

    ConnectionPool &m_pool;
    QWidget *m_parent = nullptr;
    int m_busy = 0;
};
