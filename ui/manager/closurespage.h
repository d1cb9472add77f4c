#pragma once

#include "db/calendar/closure.h"
#include "ui/manager/sitesetuppage.h"

class QDateEdit;
class QLineEdit;
class QMessageBox;
class QPushButton;
class QTreeWidget;

// The "Closures" tab: the days the site is shut (holidays), past ones
// greyed, with Add (a date range and a reason) and Remove (after a
// confirmation).
class ClosuresPage : public SiteSetupPage
{
    Q_OBJECT
public:
    ClosuresPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                 QWidget *parent = nullptr);

    void reload();
    void add();
    // Asks first; the box is returned (open, non-modal for the event loop)
    // so tests can answer it. nullptr when nothing is selected.
    QMessageBox *removeSelected();
    QList<Closure> closures() const { return m_closures; }

Q_SIGNALS:
    void loaded();

private:
    void display(const QList<Closure> &closures);
    void remove(const Closure &closure);

    QTreeWidget *m_list = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QLineEdit *m_reason = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QList<Closure> m_closures;
};
