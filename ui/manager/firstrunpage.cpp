#include "ui/manager/firstrunpage.h"

#include <QLabel>

namespace {

QLabel *problemLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setAccessibleName(FirstRunPage::tr("Problem"));
    label->setStyleSheet(QStringLiteral("color: #b3261e;"));
    label->setTextFormat(Qt::PlainText);
    label->hide();
    return label;
}

} // namespace

FirstRunPage::FirstRunPage(QWidget *parent)
    : QWizardPage(parent)
{ }

QLabel *FirstRunPage::errorLabel(const QString &field, QWidget *editor)
{
    QLabel *label = problemLabel(this);
    label->setObjectName(QStringLiteral("error_") + QString(field).replace(u'.', u'_'));
    m_errors.insert(field, label);
    if (editor)
        m_editors.insert(field, editor);
    m_order.append(field);
    return label;
}

QString FirstRunPage::labelKeyFor(const QString &field) const
{
    if (m_errors.contains(field))
        return field;
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it) {
        if (it.key().endsWith(u'.') && field.startsWith(it.key()))
            return it.key();
    }
    return {};
}

bool FirstRunPage::validatePage()
{
    return !showErrors(check());
}

bool FirstRunPage::showErrors(const QList<FieldError> &errors)
{
    for (QLabel *label : std::as_const(m_errors)) {
        label->clear();
        label->hide();
    }
    bool any = false;
    for (const FieldError &e : errors) {
        const QString key = labelKeyFor(e.field);
        QLabel *label = key.isEmpty() ? nullptr : m_errors.value(key);
        if (!label)
            continue;
        label->setText(label->text().isEmpty() ? e.message : label->text() + u'\n' + e.message);
        label->show();
        any = true;
    }
    if (!any)
        return false;
    for (const QString &key : std::as_const(m_order)) {
        if (!m_errors.value(key)->text().isEmpty()) {
            if (QWidget *editor = m_editors.value(key))
                editor->setFocus(Qt::OtherFocusReason);
            break;
        }
    }
    return true;
}

QString FirstRunPage::fieldError(const QString &field) const
{
    const QString key = labelKeyFor(field);
    return key.isEmpty() ? QString() : m_errors.value(key)->text();
}
