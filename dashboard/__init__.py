"""Marsad's reading side: the Streamlit dashboard and weekly reports."""
