# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'review_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QDialog,
    QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSizePolicy,
    QSpacerItem, QTabWidget, QTableView, QVBoxLayout,
    QWidget)

class Ui_ReviewDialog(object):
    def setupUi(self, ReviewDialog):
        if not ReviewDialog.objectName():
            ReviewDialog.setObjectName(u"ReviewDialog")
        ReviewDialog.resize(900, 640)
        self.main_layout = QVBoxLayout(ReviewDialog)
        self.main_layout.setObjectName(u"main_layout")
        self.header_label = QLabel(ReviewDialog)
        self.header_label.setObjectName(u"header_label")
        self.header_label.setWordWrap(True)
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.main_layout.addWidget(self.header_label)

        self.tabs = QTabWidget(ReviewDialog)
        self.tabs.setObjectName(u"tabs")
        self.changes_tab = QWidget()
        self.changes_tab.setObjectName(u"changes_tab")
        self.changes_layout = QVBoxLayout(self.changes_tab)
        self.changes_layout.setObjectName(u"changes_layout")
        self.previous_label = QLabel(self.changes_tab)
        self.previous_label.setObjectName(u"previous_label")
        self.previous_label.setWordWrap(True)

        self.changes_layout.addWidget(self.previous_label)

        self.changes_table = QTableView(self.changes_tab)
        self.changes_table.setObjectName(u"changes_table")
        self.changes_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes_table.setAlternatingRowColors(True)
        self.changes_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes_table.horizontalHeader().setStretchLastSection(True)
        self.changes_table.verticalHeader().setVisible(False)

        self.changes_layout.addWidget(self.changes_table)

        self.tabs.addTab(self.changes_tab, "")
        self.journal_tab = QWidget()
        self.journal_tab.setObjectName(u"journal_tab")
        self.journal_layout = QVBoxLayout(self.journal_tab)
        self.journal_layout.setObjectName(u"journal_layout")
        self.journal_table = QTableView(self.journal_tab)
        self.journal_table.setObjectName(u"journal_table")
        self.journal_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.journal_table.setAlternatingRowColors(True)
        self.journal_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.journal_table.horizontalHeader().setStretchLastSection(True)
        self.journal_table.verticalHeader().setVisible(False)

        self.journal_layout.addWidget(self.journal_table)

        self.tabs.addTab(self.journal_tab, "")

        self.main_layout.addWidget(self.tabs)

        self.comment_caption = QLabel(ReviewDialog)
        self.comment_caption.setObjectName(u"comment_caption")

        self.main_layout.addWidget(self.comment_caption)

        self.comment_edit = QPlainTextEdit(ReviewDialog)
        self.comment_edit.setObjectName(u"comment_edit")
        self.comment_edit.setMaximumSize(QSize(16777215, 70))

        self.main_layout.addWidget(self.comment_edit)

        self.reviewer_layout = QFormLayout()
        self.reviewer_layout.setObjectName(u"reviewer_layout")
        self.reviewer_caption = QLabel(ReviewDialog)
        self.reviewer_caption.setObjectName(u"reviewer_caption")

        self.reviewer_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.reviewer_caption)

        self.reviewer_combo = QComboBox(ReviewDialog)
        self.reviewer_combo.setObjectName(u"reviewer_combo")

        self.reviewer_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.reviewer_combo)

        self.passphrase_caption = QLabel(ReviewDialog)
        self.passphrase_caption.setObjectName(u"passphrase_caption")

        self.reviewer_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.passphrase_caption)

        self.passphrase_edit = QLineEdit(ReviewDialog)
        self.passphrase_edit.setObjectName(u"passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.reviewer_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.passphrase_edit)


        self.main_layout.addLayout(self.reviewer_layout)

        self.refusal_label = QLabel(ReviewDialog)
        self.refusal_label.setObjectName(u"refusal_label")
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet(u"color: #b00020")

        self.main_layout.addWidget(self.refusal_label)

        self.buttons_layout = QHBoxLayout()
        self.buttons_layout.setObjectName(u"buttons_layout")
        self.return_button = QPushButton(ReviewDialog)
        self.return_button.setObjectName(u"return_button")

        self.buttons_layout.addWidget(self.return_button)

        self.buttons_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttons_layout.addItem(self.buttons_spacer)

        self.approve_button = QPushButton(ReviewDialog)
        self.approve_button.setObjectName(u"approve_button")

        self.buttons_layout.addWidget(self.approve_button)

        self.close_button = QPushButton(ReviewDialog)
        self.close_button.setObjectName(u"close_button")

        self.buttons_layout.addWidget(self.close_button)


        self.main_layout.addLayout(self.buttons_layout)


        self.retranslateUi(ReviewDialog)
        self.close_button.clicked.connect(ReviewDialog.reject)

        self.tabs.setCurrentIndex(0)


        QMetaObject.connectSlotsByName(ReviewDialog)
    # setupUi

    def retranslateUi(self, ReviewDialog):
        ReviewDialog.setWindowTitle(QCoreApplication.translate("ReviewDialog", u"Review audit", None))
        self.header_label.setText("")
        self.previous_label.setText("")
        self.tabs.setTabText(self.tabs.indexOf(self.changes_tab), QCoreApplication.translate("ReviewDialog", u"Changes since the previous audit", None))
        self.tabs.setTabText(self.tabs.indexOf(self.journal_tab), QCoreApplication.translate("ReviewDialog", u"Assessor's journal", None))
        self.comment_caption.setText(QCoreApplication.translate("ReviewDialog", u"Comment for the assessors (needed to return the audit):", None))
        self.reviewer_caption.setText(QCoreApplication.translate("ReviewDialog", u"Reviewer:", None))
        self.passphrase_caption.setText(QCoreApplication.translate("ReviewDialog", u"Reviewer's passphrase:", None))
        self.refusal_label.setText("")
        self.return_button.setText(QCoreApplication.translate("ReviewDialog", u"Return with comment", None))
        self.approve_button.setText(QCoreApplication.translate("ReviewDialog", u"Approve and countersign", None))
        self.close_button.setText(QCoreApplication.translate("ReviewDialog", u"Close", None))
    # retranslateUi

