#pragma once

#include "db/firstrun/firstrun.h"

#include <QHash>
#include <QWizardPage>

class QLabel;

// What every page of the desk's first run shares: it adds its part to the
// FirstRunPlan, checks it without the database before Next (refused input
// stays typed, its message under its field, the focus on it), and shows
// the database's own refusals of its fields after Finish. GUI thread only.
class FirstRunPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit FirstRunPage(QWidget *parent = nullptr);

    virtual void fill(FirstRunPlan &plan) const = 0;
    // Refused input, named by the plan's fields (FirstRun::validate).
    virtual QList<FieldError> check() const = 0;
    // check(), its messages shown; true when nothing is wrong.
    bool validatePage() override;
    // Shows the errors whose field is on this page and clears the others;
    // true when there was one.
    virtual bool showErrors(const QList<FieldError> &errors);
    // The message under field; empty when none is shown.
    QString fieldError(const QString &field) const;

protected:
    // A hidden label for field's message, to put under editor (which gets
    // the focus when field is refused). A field ending in "." takes every
    // field that starts with it ("wash.2.").
    QLabel *errorLabel(const QString &field, QWidget *editor = nullptr);

private:
    QString labelKeyFor(const QString &field) const;

    QHash<QString, QLabel *> m_errors;
    QHash<QString, QWidget *> m_editors;
    QStringList m_order; // label keys in the order made: the first refused gets the focus
};
