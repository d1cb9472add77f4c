#pragma once

#include "db/bookings/bookingmatch.h"

#include <QDialog>
#include <QTimer>

class BusyIndicator;
class ConnectionPool;
class ErrorBanner;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

// Find (Ctrl+F): bookings by plate, phone, customer name or confirmation
// code, searched as one types (debounced, through the pool; an older answer
// is dropped). Up/Down move through the results from the search field,
// Enter or a double-click chooses one. Open it with open(); the pool must
// outlive it.
class FindDialog : public QDialog
{
    Q_OBJECT
public:
    static constexpr int MinimumLength = 2;

    explicit FindDialog(ConnectionPool &pool, QWidget *parent = nullptr);

    // Puts text in the search field and searches (after the usual pause).
    void setSearchText(const QString &text);
    QString searchText() const;
    bool isSearching() const { return m_searching || m_debounce.isActive(); }
    // The results on show, in their order.
    QList<BookingMatch> results() const { return m_results; }
    // The line under the field: a hint, "no booking matches", a count.
    QString statusText() const;
    // The highlighted result's booking id; 0 when none.
    qint64 currentId() const;

public Q_SLOTS:
    // Emits bookingChosen for the highlighted result and closes; nothing
    // without one.
    void chooseCurrent();
    void search();

Q_SIGNALS:
    // A search's answer (results, none, or an error) is on show.
    void searched();
    void bookingChosen(qint64 id);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void textChanged();
    void showResults(const QList<BookingMatch> &results, const QString &text);

    ConnectionPool &m_pool;
    ErrorBanner *m_banner = nullptr;
    QLineEdit *m_field = nullptr;
    BusyIndicator *m_busy = nullptr;
    QLabel *m_status = nullptr;
    QTreeWidget *m_list = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_close = nullptr;
    QTimer m_debounce;
    quint64 m_generation = 0;
    bool m_searching = false;
    bool m_chooseWhenSingle = false; // Enter came before the answer
    QList<BookingMatch> m_results;
};
