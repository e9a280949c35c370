# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'audit_editor.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QComboBox,
    QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSizePolicy,
    QSpacerItem, QSplitter, QTabWidget, QTextBrowser,
    QTreeView, QVBoxLayout, QWidget)

class Ui_AuditEditor(object):
    def setupUi(self, AuditEditor):
        if not AuditEditor.objectName():
            AuditEditor.setObjectName(u"AuditEditor")
        AuditEditor.resize(1280, 760)
        self.main_layout = QVBoxLayout(AuditEditor)
        self.main_layout.setObjectName(u"main_layout")
        self.header_label = QLabel(AuditEditor)
        self.header_label.setObjectName(u"header_label")
        self.header_label.setWordWrap(True)
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.main_layout.addWidget(self.header_label)

        self.return_label = QLabel(AuditEditor)
        self.return_label.setObjectName(u"return_label")
        self.return_label.setWordWrap(True)
        self.return_label.setVisible(False)

        self.main_layout.addWidget(self.return_label)

        self.splitter = QSplitter(AuditEditor)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.tree_panel = QWidget(self.splitter)
        self.tree_panel.setObjectName(u"tree_panel")
        self.tree_layout = QVBoxLayout(self.tree_panel)
        self.tree_layout.setObjectName(u"tree_layout")
        self.tree_layout.setContentsMargins(0, 0, 0, 0)
        self.search_edit = QLineEdit(self.tree_panel)
        self.search_edit.setObjectName(u"search_edit")
        self.search_edit.setClearButtonEnabled(True)

        self.tree_layout.addWidget(self.search_edit)

        self.missing_only_check = QCheckBox(self.tree_panel)
        self.missing_only_check.setObjectName(u"missing_only_check")

        self.tree_layout.addWidget(self.missing_only_check)

        self.show_excluded_check = QCheckBox(self.tree_panel)
        self.show_excluded_check.setObjectName(u"show_excluded_check")

        self.tree_layout.addWidget(self.show_excluded_check)

        self.criteria_tree = QTreeView(self.tree_panel)
        self.criteria_tree.setObjectName(u"criteria_tree")
        self.criteria_tree.setAlternatingRowColors(True)
        self.criteria_tree.setUniformRowHeights(True)
        self.criteria_tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.tree_layout.addWidget(self.criteria_tree)

        self.splitter.addWidget(self.tree_panel)
        self.detail_panel = QWidget(self.splitter)
        self.detail_panel.setObjectName(u"detail_panel")
        self.detail_layout = QVBoxLayout(self.detail_panel)
        self.detail_layout.setObjectName(u"detail_layout")
        self.detail_layout.setContentsMargins(0, 0, 0, 0)
        self.requirement_label = QLabel(self.detail_panel)
        self.requirement_label.setObjectName(u"requirement_label")
        self.requirement_label.setWordWrap(True)
        self.requirement_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.detail_layout.addWidget(self.requirement_label)

        self.guidance_browser = QTextBrowser(self.detail_panel)
        self.guidance_browser.setObjectName(u"guidance_browser")
        self.guidance_browser.setMaximumSize(QSize(16777215, 140))

        self.detail_layout.addWidget(self.guidance_browser)

        self.finding_layout = QFormLayout()
        self.finding_layout.setObjectName(u"finding_layout")
        self.rating_caption = QLabel(self.detail_panel)
        self.rating_caption.setObjectName(u"rating_caption")

        self.finding_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.rating_caption)

        self.rating_combo = QComboBox(self.detail_panel)
        self.rating_combo.setObjectName(u"rating_combo")

        self.finding_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.rating_combo)

        self.justification_caption = QLabel(self.detail_panel)
        self.justification_caption.setObjectName(u"justification_caption")

        self.finding_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.justification_caption)

        self.justification_edit = QLineEdit(self.detail_panel)
        self.justification_edit.setObjectName(u"justification_edit")

        self.finding_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.justification_edit)

        self.note_caption = QLabel(self.detail_panel)
        self.note_caption.setObjectName(u"note_caption")

        self.finding_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.note_caption)

        self.note_edit = QPlainTextEdit(self.detail_panel)
        self.note_edit.setObjectName(u"note_edit")
        self.note_edit.setMaximumSize(QSize(16777215, 90))

        self.finding_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.note_edit)


        self.detail_layout.addLayout(self.finding_layout)

        self.detail_tabs = QTabWidget(self.detail_panel)
        self.detail_tabs.setObjectName(u"detail_tabs")
        self.evidence_tab = QWidget()
        self.evidence_tab.setObjectName(u"evidence_tab")
        self.evidence_layout = QVBoxLayout(self.evidence_tab)
        self.evidence_layout.setObjectName(u"evidence_layout")
        self.detail_tabs.addTab(self.evidence_tab, "")
        self.samples_tab = QWidget()
        self.samples_tab.setObjectName(u"samples_tab")
        self.samples_layout = QVBoxLayout(self.samples_tab)
        self.samples_layout.setObjectName(u"samples_layout")
        self.detail_tabs.addTab(self.samples_tab, "")

        self.detail_layout.addWidget(self.detail_tabs)

        self.splitter.addWidget(self.detail_panel)
        self.side_tabs = QTabWidget(self.splitter)
        self.side_tabs.setObjectName(u"side_tabs")
        self.grade_tab = QWidget()
        self.grade_tab.setObjectName(u"grade_tab")
        self.grade_layout = QVBoxLayout(self.grade_tab)
        self.grade_layout.setObjectName(u"grade_layout")
        self.side_tabs.addTab(self.grade_tab, "")
        self.scope_tab = QWidget()
        self.scope_tab.setObjectName(u"scope_tab")
        self.scope_layout = QVBoxLayout(self.scope_tab)
        self.scope_layout.setObjectName(u"scope_layout")
        self.side_tabs.addTab(self.scope_tab, "")
        self.splitter.addWidget(self.side_tabs)

        self.main_layout.addWidget(self.splitter)

        self.buttons_layout = QHBoxLayout()
        self.buttons_layout.setObjectName(u"buttons_layout")
        self.status_label = QLabel(AuditEditor)
        self.status_label.setObjectName(u"status_label")

        self.buttons_layout.addWidget(self.status_label)

        self.buttons_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttons_layout.addItem(self.buttons_spacer)

        self.submit_button = QPushButton(AuditEditor)
        self.submit_button.setObjectName(u"submit_button")

        self.buttons_layout.addWidget(self.submit_button)


        self.main_layout.addLayout(self.buttons_layout)


        self.retranslateUi(AuditEditor)

        self.detail_tabs.setCurrentIndex(0)
        self.side_tabs.setCurrentIndex(0)


        QMetaObject.connectSlotsByName(AuditEditor)
    # setupUi

    def retranslateUi(self, AuditEditor):
        AuditEditor.setWindowTitle(QCoreApplication.translate("AuditEditor", u"Audit", None))
        self.header_label.setText("")
        self.return_label.setText("")
        self.search_edit.setPlaceholderText(QCoreApplication.translate("AuditEditor", u"Filter criteria by id or text", None))
        self.missing_only_check.setText(QCoreApplication.translate("AuditEditor", u"Only what is still missing before I can submit", None))
        self.show_excluded_check.setText(QCoreApplication.translate("AuditEditor", u"Also show criteria the scope excludes", None))
        self.requirement_label.setText(QCoreApplication.translate("AuditEditor", u"Select a criterion.", None))
        self.rating_caption.setText(QCoreApplication.translate("AuditEditor", u"Rating:", None))
        self.justification_caption.setText(QCoreApplication.translate("AuditEditor", u"N/A justification:", None))
        self.justification_edit.setPlaceholderText(QCoreApplication.translate("AuditEditor", u"Why the criterion does not apply", None))
        self.note_caption.setText(QCoreApplication.translate("AuditEditor", u"Note:", None))
        self.detail_tabs.setTabText(self.detail_tabs.indexOf(self.evidence_tab), QCoreApplication.translate("AuditEditor", u"Evidence", None))
        self.detail_tabs.setTabText(self.detail_tabs.indexOf(self.samples_tab), QCoreApplication.translate("AuditEditor", u"Samples", None))
        self.side_tabs.setTabText(self.side_tabs.indexOf(self.grade_tab), QCoreApplication.translate("AuditEditor", u"Grade", None))
        self.side_tabs.setTabText(self.side_tabs.indexOf(self.scope_tab), QCoreApplication.translate("AuditEditor", u"Scope", None))
        self.status_label.setText("")
        self.submit_button.setText(QCoreApplication.translate("AuditEditor", u"Submit for review\u2026", None))
    # retranslateUi

