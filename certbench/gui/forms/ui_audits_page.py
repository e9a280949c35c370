# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'audits_page.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QHBoxLayout,
    QHeaderView, QLabel, QPushButton, QSizePolicy,
    QSpacerItem, QTableView, QVBoxLayout, QWidget)

class Ui_AuditsPage(object):
    def setupUi(self, AuditsPage):
        if not AuditsPage.objectName():
            AuditsPage.setObjectName(u"AuditsPage")
        AuditsPage.resize(960, 600)
        self.main_layout = QVBoxLayout(AuditsPage)
        self.main_layout.setObjectName(u"main_layout")
        self.top_layout = QHBoxLayout()
        self.top_layout.setObjectName(u"top_layout")
        self.state_caption = QLabel(AuditsPage)
        self.state_caption.setObjectName(u"state_caption")

        self.top_layout.addWidget(self.state_caption)

        self.state_combo = QComboBox(AuditsPage)
        self.state_combo.setObjectName(u"state_combo")

        self.top_layout.addWidget(self.state_combo)

        self.top_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.top_layout.addItem(self.top_spacer)

        self.count_label = QLabel(AuditsPage)
        self.count_label.setObjectName(u"count_label")

        self.top_layout.addWidget(self.count_label)

        self.refresh_button = QPushButton(AuditsPage)
        self.refresh_button.setObjectName(u"refresh_button")

        self.top_layout.addWidget(self.refresh_button)

        self.new_audit_button = QPushButton(AuditsPage)
        self.new_audit_button.setObjectName(u"new_audit_button")

        self.top_layout.addWidget(self.new_audit_button)


        self.main_layout.addLayout(self.top_layout)

        self.audits_table = QTableView(AuditsPage)
        self.audits_table.setObjectName(u"audits_table")
        self.audits_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.audits_table.setAlternatingRowColors(True)
        self.audits_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.audits_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.audits_table.horizontalHeader().setStretchLastSection(True)
        self.audits_table.verticalHeader().setVisible(False)

        self.main_layout.addWidget(self.audits_table)

        self.actions_layout = QHBoxLayout()
        self.actions_layout.setObjectName(u"actions_layout")
        self.open_button = QPushButton(AuditsPage)
        self.open_button.setObjectName(u"open_button")

        self.actions_layout.addWidget(self.open_button)

        self.review_button = QPushButton(AuditsPage)
        self.review_button.setObjectName(u"review_button")

        self.actions_layout.addWidget(self.review_button)

        self.issue_button = QPushButton(AuditsPage)
        self.issue_button.setObjectName(u"issue_button")

        self.actions_layout.addWidget(self.issue_button)

        self.actions_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.actions_layout.addItem(self.actions_spacer)


        self.main_layout.addLayout(self.actions_layout)


        self.retranslateUi(AuditsPage)

        QMetaObject.connectSlotsByName(AuditsPage)
    # setupUi

    def retranslateUi(self, AuditsPage):
        self.state_caption.setText(QCoreApplication.translate("AuditsPage", u"Show:", None))
        self.count_label.setText("")
        self.refresh_button.setText(QCoreApplication.translate("AuditsPage", u"Refresh", None))
        self.new_audit_button.setText(QCoreApplication.translate("AuditsPage", u"New audit\u2026", None))
        self.open_button.setText(QCoreApplication.translate("AuditsPage", u"Open editor", None))
        self.review_button.setText(QCoreApplication.translate("AuditsPage", u"Review\u2026", None))
        self.issue_button.setText(QCoreApplication.translate("AuditsPage", u"Issue certificate\u2026", None))
        pass
    # retranslateUi

