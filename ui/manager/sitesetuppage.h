#pragma once

#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/pool/dberror.h"
#include "db/pool/fielderror.h"
#include "db/staff/staffmember.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

#include <functional>

class BusyIndicator;
class ErrorBanner;
class QHBoxLayout;
class QLabel;
class QPushButton;

// What every tab of the site set-up dialog shares: the pool and the manager
// writing, an inline error label per field, the busy state, a short "Saved"
// confirmation, and the dialog's banner for failures of the database itself
// (with Retry). A result older than the latest request is dropped. GUI
// thread only; the database is reached through the pool.
class SiteSetupPage : public QWidget
{
    Q_OBJECT
public:
    SiteSetupPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                  QWidget *parent = nullptr);

    bool isBusy() const { return m_busyCount > 0; }
    // The confirmation or summary under the page ("Saved.").
    QString statusText() const;
    // The inline message next to a field; empty when it was accepted.
    QString fieldError(const QString &field) const;

Q_SIGNALS:
    // After a write went through: the other tabs may show stale data.
    void changed();
    void busyChanged(bool busy);

protected:
    // A hidden label for field's message, to put under its editor.
    QLabel *fieldErrorLabel(const QString &field);
    // Shows each error next to its field; one without a label goes to the
    // status line. Clears the others.
    void showFieldErrors(const QList<FieldError> &errors);
    void clearFieldErrors();

    void startBusy(const QString &text);
    void stopBusy();
    // "Saved." (or text) under the page; it fades after a few seconds.
    void showSaved(const QString &text);
    void showStatus(const QString &text);
    // A failure of the database (not of the input): in the banner with
    // what to do and Retry.
    void showFailure(const QString &what, const DbError &error, std::function<void()> retry);
    void clearFailure();

    // Loads what the page shows: busy meanwhile, read through the pool
    // (label names it in the log), an answer older than the latest request
    // dropped, a failure in the banner as "what" with Retry calling
    // retry, else show(value).
    template<typename Read, typename Show>
    void load(const QString &label, const QString &what, Read read, Show show, std::function<void()> retry)
    {
        const int request = nextRequest();
        startBusy(tr("Loading…"));
        Async::onResult(m_pool.withRetry(label, RetryPolicy::standard(), std::move(read)), this,
                        [this, request, what, show = std::move(show), retry = std::move(retry)](const auto &result) {
                            stopBusy();
                            if (!isLatest(request))
                                return;
                            if (!result.ok()) {
                                showFailure(what, result.error(), retry);
                                return;
                            }
                            clearFailure();
                            show(result.value());
                        });
    }
    // The status line's row: save and undo, then the busy indicator; both
    // buttons off while busy.
    QHBoxLayout *saveRow(QPushButton *save, QPushButton *revert);

    // Stale results: take a number before sending, compare when it returns.
    int nextRequest() { return ++m_request; }
    bool isLatest(int request) const { return request == m_request; }

    BusyIndicator *busyIndicator() const { return m_busy; }
    QLabel *statusLabel() const { return m_status; }
    QString bannerSource() const;

    ConnectionPool &m_pool;
    StaffMember m_manager;
    ErrorBanner &m_banner;

private:
    QHash<QString, QLabel *> m_fieldErrors;
    BusyIndicator *m_busy = nullptr;
    QLabel *m_status = nullptr;
    QTimer m_statusTimer;
    int m_busyCount = 0;
    int m_request = 0;
};
