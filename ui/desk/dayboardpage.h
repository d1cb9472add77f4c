#pragma once

#include "db/catalogue/bayref.h"

#include <QDate>
#include <QDateTime>
#include <QTimeZone>
#include <QTimer>
#include <QWidget>

#include <functional>

class BookingChangeListener;
class BusyIndicator;
class ConnectionPool;
class DayBoardModel;
class DayBoardView;
class ErrorBanner;
class QDateEdit;
class QLabel;
class QPushButton;

// The desk's main page: one day per bay (DayBoardView) with a toolbar to
// move between days, the day's totals, a legend of the statuses and a line
// saying how fresh the board is and whether it is live.
//
// Live: attached to a BookingChangeListener it reloads when a change to the
// shown day is committed anywhere, and polls slowly as a safety net; while
// not listening (server restart, PgBouncer) it polls every two seconds, so
// a change shows within two seconds either way. A failed load leaves the
// last board on screen with the error in the banner and a Retry; read-only
// mode (database away) keeps it visible without activating anything.
class DayBoardPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int DefaultLivePollMs = 30000;
    static constexpr int DefaultFallbackPollMs = 2000;

    DayBoardPage(ConnectionPool &pool, ErrorBanner &banner, QWidget *parent = nullptr);

    // Reloads on the listener's news; may be called once.
    void attachListener(BookingChangeListener *listener);
    // How often to reload without news: while listening, and while not.
    void setPollIntervals(int liveMs, int fallbackMs);
    int pollInterval() const { return m_poll.interval(); }
    bool isPolling() const { return m_poll.isActive(); }

    // Starts showing (today unless a day was chosen) and keeping the board
    // up to date; stopUpdating() pauses the polling (signed out).
    void startUpdating();
    void stopUpdating();

    void setDate(const QDate &date);
    QDate date() const;
    void showToday();
    void reload();
    // After the database comes back: loads again if the last load failed.
    void reloadIfFailed();
    void setReadOnly(bool readOnly);
    // Where "now" comes from, for the page and its view (today, following
    // midnight, the now line); the system clock unless a test sets another.
    void setClock(std::function<QDateTime()> clock);
    bool isReadOnly() const { return m_readOnly; }

    DayBoardModel &model() { return *m_model; }
    DayBoardView &view() { return *m_view; }
    QString totalsText() const;
    QString statusText() const;
    // The site's date now; invalid until a load has said the site's zone.
    QDate siteToday() const;

Q_SIGNALS:
    void bookingActivated(qint64 id);
    void freeTimeActivated(const BayRef &bay, const QDateTime &start);
    // After each load applied (or failed).
    void refreshed();

private:
    void loaded();
    void updatePolling();
    void updateStatus();
    QWidget *buildLegend();

    ConnectionPool &m_pool;
    ErrorBanner &m_banner;
    DayBoardModel *m_model = nullptr;
    DayBoardView *m_view = nullptr;
    BookingChangeListener *m_listener = nullptr;
    QPushButton *m_previous = nullptr;
    QPushButton *m_next = nullptr;
    QPushButton *m_today = nullptr;
    QPushButton *m_refresh = nullptr;
    QDateEdit *m_dateEdit = nullptr;
    QLabel *m_totals = nullptr;
    QLabel *m_status = nullptr;
    BusyIndicator *m_busy = nullptr;
    QTimer m_poll;
    QDate m_lastToday; // the site's today at the last poll
    QTimeZone m_siteZone; // as the last load said
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTimeUtc(); };
    int m_livePollMs = DefaultLivePollMs;
    int m_fallbackPollMs = DefaultFallbackPollMs;
    bool m_updating = false;
    bool m_readOnly = false;
};
