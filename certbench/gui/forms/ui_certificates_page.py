# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'certificates_page.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QHBoxLayout,
    QHeaderView, QLabel, QPushButton, QSizePolicy,
    QSpacerItem, QTableView, QVBoxLayout, QWidget)

class Ui_CertificatesPage(object):
    def setupUi(self, CertificatesPage):
        if not CertificatesPage.objectName():
            CertificatesPage.setObjectName(u"CertificatesPage")
        CertificatesPage.resize(960, 600)
        self.main_layout = QVBoxLayout(CertificatesPage)
        self.main_layout.setObjectName(u"main_layout")
        self.top_layout = QHBoxLayout()
        self.top_layout.setObjectName(u"top_layout")
        self.overdue_only_check = QCheckBox(CertificatesPage)
        self.overdue_only_check.setObjectName(u"overdue_only_check")

        self.top_layout.addWidget(self.overdue_only_check)

        self.top_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.top_layout.addItem(self.top_spacer)

        self.count_label = QLabel(CertificatesPage)
        self.count_label.setObjectName(u"count_label")

        self.top_layout.addWidget(self.count_label)

        self.refresh_button = QPushButton(CertificatesPage)
        self.refresh_button.setObjectName(u"refresh_button")

        self.top_layout.addWidget(self.refresh_button)

        self.export_button = QPushButton(CertificatesPage)
        self.export_button.setObjectName(u"export_button")

        self.top_layout.addWidget(self.export_button)


        self.main_layout.addLayout(self.top_layout)

        self.certificates_table = QTableView(CertificatesPage)
        self.certificates_table.setObjectName(u"certificates_table")
        self.certificates_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.certificates_table.setAlternatingRowColors(True)
        self.certificates_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.certificates_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.certificates_table.horizontalHeader().setStretchLastSection(True)
        self.certificates_table.verticalHeader().setVisible(False)

        self.main_layout.addWidget(self.certificates_table)

        self.actions_layout = QHBoxLayout()
        self.actions_layout.setObjectName(u"actions_layout")
        self.suspend_button = QPushButton(CertificatesPage)
        self.suspend_button.setObjectName(u"suspend_button")

        self.actions_layout.addWidget(self.suspend_button)

        self.reinstate_button = QPushButton(CertificatesPage)
        self.reinstate_button.setObjectName(u"reinstate_button")

        self.actions_layout.addWidget(self.reinstate_button)

        self.revoke_button = QPushButton(CertificatesPage)
        self.revoke_button.setObjectName(u"revoke_button")

        self.actions_layout.addWidget(self.revoke_button)

        self.actions_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.actions_layout.addItem(self.actions_spacer)

        self.status_label = QLabel(CertificatesPage)
        self.status_label.setObjectName(u"status_label")

        self.actions_layout.addWidget(self.status_label)


        self.main_layout.addLayout(self.actions_layout)


        self.retranslateUi(CertificatesPage)

        QMetaObject.connectSlotsByName(CertificatesPage)
    # setupUi

    def retranslateUi(self, CertificatesPage):
        self.overdue_only_check.setText(QCoreApplication.translate("CertificatesPage", u"Overdue surveillance only", None))
        self.count_label.setText("")
        self.refresh_button.setText(QCoreApplication.translate("CertificatesPage", u"Refresh", None))
        self.export_button.setText(QCoreApplication.translate("CertificatesPage", u"Export registry\u2026", None))
        self.suspend_button.setText(QCoreApplication.translate("CertificatesPage", u"Suspend\u2026", None))
        self.reinstate_button.setText(QCoreApplication.translate("CertificatesPage", u"Reinstate\u2026", None))
        self.revoke_button.setText(QCoreApplication.translate("CertificatesPage", u"Revoke\u2026", None))
        self.status_label.setText("")
        pass
    # retranslateUi

