#pragma once

#include "db/payments/daytakings.h"

#include <QDialog>

#include <memory>
#include <optional>

class BusyIndicator;
class ConnectionPool;
class ErrorBanner;
class QDateEdit;
class QLabel;
class QPrinter;
class QPushButton;
class QTableWidget;

// End of day at the desk: one site-local day's takings by method (cash and
// card: payments, what was taken, the tax in it, refunds given back, net),
// per currency, read by TakingsRepo from the payments and refunds tables
// themselves, so it equals them to the cent. Loads off the GUI thread with
// a busy indicator; the date starts at the site's today. Print… lays the
// same table out for a printer (QPrintDialog); Save CSV… writes
// DayTakings::toCsv(), what carwash-admin takings --csv prints.
class TakingsWindow : public QDialog
{
    Q_OBJECT
public:
    // today: the site's today (the day board knows it); invalid to have the
    // window work it out from the site's time zone.
    TakingsWindow(ConnectionPool &pool, const QDate &today, QWidget *parent = nullptr);

    void load(const QDate &date);
    QDate date() const;
    bool isLoading() const { return m_loading; }
    // The day on show; nullopt before the first load or after a failure.
    const std::optional<DayTakings> &takings() const { return m_takings; }
    QTableWidget *table() const { return m_table; }

    // Ask where / which printer, then do it.
    void askAndSaveCsv();
    void askAndPrint();
    // Without asking (what the questions lead to, and what tests call).
    bool saveCsv(const QString &path, QString *error = nullptr) const;
    bool print(QPrinter *printer) const;
    // The printed document as HTML (the table, titled with site and day).
    QString documentHtml() const;
    QString messageText() const;

Q_SIGNALS:
    void loaded(bool ok);

private:
    void display(const DayTakings &day);
    void showMessage(const QString &text, bool error);

    ConnectionPool &m_pool;
    std::optional<DayTakings> m_takings;
    quint64 m_serial = 0;
    bool m_loading = false;

    ErrorBanner *m_banner = nullptr;
    QDateEdit *m_date = nullptr;
    QLabel *m_title = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_print = nullptr;
    QPushButton *m_csv = nullptr;
    BusyIndicator *m_busy = nullptr;
};
