INSERT DATA { note:kr-yongsan-gu.membership-year lc:conflictingValue <http://reference.data.gov.uk/id/year/2018> }
