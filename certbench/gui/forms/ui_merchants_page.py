# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'merchants_page.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QSizePolicy,
    QSpacerItem, QSplitter, QTabWidget, QTableView,
    QVBoxLayout, QWidget)

class Ui_MerchantsPage(object):
    def setupUi(self, MerchantsPage):
        if not MerchantsPage.objectName():
            MerchantsPage.setObjectName(u"MerchantsPage")
        MerchantsPage.resize(960, 640)
        self.main_layout = QVBoxLayout(MerchantsPage)
        self.main_layout.setObjectName(u"main_layout")
        self.main_layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(MerchantsPage)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.list_panel = QWidget(self.splitter)
        self.list_panel.setObjectName(u"list_panel")
        self.list_layout = QVBoxLayout(self.list_panel)
        self.list_layout.setObjectName(u"list_layout")
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.search_layout = QHBoxLayout()
        self.search_layout.setObjectName(u"search_layout")
        self.search_edit = QLineEdit(self.list_panel)
        self.search_edit.setObjectName(u"search_edit")
        self.search_edit.setClearButtonEnabled(True)

        self.search_layout.addWidget(self.search_edit)

        self.count_label = QLabel(self.list_panel)
        self.count_label.setObjectName(u"count_label")

        self.search_layout.addWidget(self.count_label)


        self.list_layout.addLayout(self.search_layout)

        self.error_label = QLabel(self.list_panel)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)

        self.list_layout.addWidget(self.error_label)

        self.merchant_table = QTableView(self.list_panel)
        self.merchant_table.setObjectName(u"merchant_table")
        self.merchant_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.merchant_table.setAlternatingRowColors(True)
        self.merchant_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.merchant_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.merchant_table.setSortingEnabled(True)
        self.merchant_table.setWordWrap(False)
        self.merchant_table.horizontalHeader().setStretchLastSection(True)
        self.merchant_table.verticalHeader().setVisible(False)

        self.list_layout.addWidget(self.merchant_table)

        self.splitter.addWidget(self.list_panel)
        self.detail_panel = QWidget(self.splitter)
        self.detail_panel.setObjectName(u"detail_panel")
        self.detail_layout = QVBoxLayout(self.detail_panel)
        self.detail_layout.setObjectName(u"detail_layout")
        self.detail_layout.setContentsMargins(0, 0, 0, 0)
        self.name_label = QLabel(self.detail_panel)
        self.name_label.setObjectName(u"name_label")
        self.name_label.setWordWrap(True)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.detail_layout.addWidget(self.name_label)

        self.view_error_label = QLabel(self.detail_panel)
        self.view_error_label.setObjectName(u"view_error_label")
        self.view_error_label.setWordWrap(True)
        self.view_error_label.setVisible(False)

        self.detail_layout.addWidget(self.view_error_label)

        self.detail_tabs = QTabWidget(self.detail_panel)
        self.detail_tabs.setObjectName(u"detail_tabs")
        self.details_tab = QWidget()
        self.details_tab.setObjectName(u"details_tab")
        self.details_layout = QVBoxLayout(self.details_tab)
        self.details_layout.setObjectName(u"details_layout")
        self.facts_layout = QFormLayout()
        self.facts_layout.setObjectName(u"facts_layout")
        self.trading_names_caption = QLabel(self.details_tab)
        self.trading_names_caption.setObjectName(u"trading_names_caption")

        self.facts_layout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.trading_names_caption)

        self.trading_names_label = QLabel(self.details_tab)
        self.trading_names_label.setObjectName(u"trading_names_label")
        self.trading_names_label.setWordWrap(True)
        self.trading_names_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.facts_layout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.trading_names_label)

        self.registration_caption = QLabel(self.details_tab)
        self.registration_caption.setObjectName(u"registration_caption")

        self.facts_layout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.registration_caption)

        self.registration_label = QLabel(self.details_tab)
        self.registration_label.setObjectName(u"registration_label")
        self.registration_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.facts_layout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.registration_label)

        self.country_caption = QLabel(self.details_tab)
        self.country_caption.setObjectName(u"country_caption")

        self.facts_layout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.country_caption)

        self.country_label = QLabel(self.details_tab)
        self.country_label.setObjectName(u"country_label")

        self.facts_layout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.country_label)

        self.added_caption = QLabel(self.details_tab)
        self.added_caption.setObjectName(u"added_caption")

        self.facts_layout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.added_caption)

        self.added_label = QLabel(self.details_tab)
        self.added_label.setObjectName(u"added_label")

        self.facts_layout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.added_label)

        self.address_caption = QLabel(self.details_tab)
        self.address_caption.setObjectName(u"address_caption")

        self.facts_layout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.address_caption)

        self.address_label = QLabel(self.details_tab)
        self.address_label.setObjectName(u"address_label")
        self.address_label.setWordWrap(True)
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.facts_layout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.address_label)

        self.sites_caption = QLabel(self.details_tab)
        self.sites_caption.setObjectName(u"sites_caption")

        self.facts_layout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.sites_caption)

        self.sites_label = QLabel(self.details_tab)
        self.sites_label.setObjectName(u"sites_label")
        self.sites_label.setWordWrap(True)
        self.sites_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.facts_layout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.sites_label)

        self.contacts_caption = QLabel(self.details_tab)
        self.contacts_caption.setObjectName(u"contacts_caption")

        self.facts_layout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.contacts_caption)

        self.contacts_label = QLabel(self.details_tab)
        self.contacts_label.setObjectName(u"contacts_label")
        self.contacts_label.setWordWrap(True)
        self.contacts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.facts_layout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.contacts_label)


        self.details_layout.addLayout(self.facts_layout)

        self.details_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.details_layout.addItem(self.details_spacer)

        self.detail_tabs.addTab(self.details_tab, "")
        self.audits_tab = QWidget()
        self.audits_tab.setObjectName(u"audits_tab")
        self.audits_layout = QVBoxLayout(self.audits_tab)
        self.audits_layout.setObjectName(u"audits_layout")
        self.audits_table = QTableView(self.audits_tab)
        self.audits_table.setObjectName(u"audits_table")
        self.audits_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.audits_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.audits_table.horizontalHeader().setStretchLastSection(True)
        self.audits_table.verticalHeader().setVisible(False)

        self.audits_layout.addWidget(self.audits_table)

        self.detail_tabs.addTab(self.audits_tab, "")
        self.certificates_tab = QWidget()
        self.certificates_tab.setObjectName(u"certificates_tab")
        self.certificates_layout = QVBoxLayout(self.certificates_tab)
        self.certificates_layout.setObjectName(u"certificates_layout")
        self.certificates_table = QTableView(self.certificates_tab)
        self.certificates_table.setObjectName(u"certificates_table")
        self.certificates_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.certificates_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.certificates_table.setWordWrap(False)
        self.certificates_table.horizontalHeader().setStretchLastSection(True)
        self.certificates_table.verticalHeader().setVisible(False)

        self.certificates_layout.addWidget(self.certificates_table)

        self.detail_tabs.addTab(self.certificates_tab, "")
        self.complaints_tab = QWidget()
        self.complaints_tab.setObjectName(u"complaints_tab")
        self.complaints_layout = QVBoxLayout(self.complaints_tab)
        self.complaints_layout.setObjectName(u"complaints_layout")
        self.complaints_table = QTableView(self.complaints_tab)
        self.complaints_table.setObjectName(u"complaints_table")
        self.complaints_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.complaints_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.complaints_table.setWordWrap(False)
        self.complaints_table.horizontalHeader().setStretchLastSection(True)
        self.complaints_table.verticalHeader().setVisible(False)

        self.complaints_layout.addWidget(self.complaints_table)

        self.detail_tabs.addTab(self.complaints_tab, "")
        self.history_tab = QWidget()
        self.history_tab.setObjectName(u"history_tab")
        self.history_layout = QVBoxLayout(self.history_tab)
        self.history_layout.setObjectName(u"history_layout")
        self.history_table = QTableView(self.history_tab)
        self.history_table.setObjectName(u"history_table")
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.setWordWrap(False)
        self.history_table.horizontalHeader().setStretchLastSection(True)
        self.history_table.verticalHeader().setVisible(False)

        self.history_layout.addWidget(self.history_table)

        self.detail_tabs.addTab(self.history_tab, "")

        self.detail_layout.addWidget(self.detail_tabs)

        self.splitter.addWidget(self.detail_panel)

        self.main_layout.addWidget(self.splitter)


        self.retranslateUi(MerchantsPage)

        self.detail_tabs.setCurrentIndex(0)


        QMetaObject.connectSlotsByName(MerchantsPage)
    # setupUi

    def retranslateUi(self, MerchantsPage):
        self.search_edit.setPlaceholderText(QCoreApplication.translate("MerchantsPage", u"Search by name, trading name or registration number", None))
        self.count_label.setText("")
        self.error_label.setText("")
        self.name_label.setText(QCoreApplication.translate("MerchantsPage", u"Select a merchant to see its details.", None))
        self.view_error_label.setText("")
        self.trading_names_caption.setText(QCoreApplication.translate("MerchantsPage", u"Trading names:", None))
        self.registration_caption.setText(QCoreApplication.translate("MerchantsPage", u"Registration number:", None))
        self.country_caption.setText(QCoreApplication.translate("MerchantsPage", u"Country:", None))
        self.added_caption.setText(QCoreApplication.translate("MerchantsPage", u"Added:", None))
        self.address_caption.setText(QCoreApplication.translate("MerchantsPage", u"Address:", None))
        self.sites_caption.setText(QCoreApplication.translate("MerchantsPage", u"Websites and shops:", None))
        self.contacts_caption.setText(QCoreApplication.translate("MerchantsPage", u"Contacts:", None))
        self.detail_tabs.setTabText(self.detail_tabs.indexOf(self.details_tab), QCoreApplication.translate("MerchantsPage", u"Details", None))
        self.detail_tabs.setTabText(self.detail_tabs.indexOf(self.audits_tab), QCoreApplication.translate("MerchantsPage", u"Audits", None))
        self.detail_tabs.setTabText(self.detail_tabs.indexOf(self.certificates_tab), QCoreApplication.translate("MerchantsPage", u"Certificates", None))
        self.detail_tabs.setTabText(self.detail_tabs.indexOf(self.complaints_tab), QCoreApplication.translate("MerchantsPage", u"Complaints", None))
        self.detail_tabs.setTabText(self.detail_tabs.indexOf(self.history_tab), QCoreApplication.translate("MerchantsPage", u"Grade history", None))
        pass
    # retranslateUi

